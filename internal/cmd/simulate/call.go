package simulate

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/loopback"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
)

// DefaultURL is where `dialin serve` takes the webhook by default.
const DefaultURL = "http://127.0.0.1:7860/dialin"

// maxFrom bounds --from: long enough for any hostile value worth testing.
const maxFrom = 16 << 10

// CallOptions are the inputs of `dialin simulate call`.
type CallOptions struct {
	IO          *iostreams.IOStreams
	Config      func() (*config.Config, error)
	DailyClient func() (*daily.Client, error)
	Getenv      func(string) string
	HTTPClient  *http.Client
	Now         func() time.Time
	Exporter    cmdutil.Exporter

	To, From   string
	SIPHeaders map[string]string
	URL        string
	SecretFile string
	CallID     string
	CallDomain string

	Emulator    string // the emulator's URL; "" unless --emulator or --via-emulator
	ViaEmulator bool
	Timeout     time.Duration

	secretSet bool
	urlSet    bool
}

// NewCmdCall builds `simulate call`; runF replaces the run function in tests.
func NewCmdCall(f *cmdutil.Factory, runF func(*CallOptions) error) *cobra.Command {
	opts := &CallOptions{IO: f.IOStreams, Config: f.Config, DailyClient: f.DailyClient, Getenv: os.Getenv, Now: time.Now,
		HTTPClient: &http.Client{Timeout: 30 * time.Second}}
	var headers []string
	cmd := &cobra.Command{
		Use:   "call --to NUMBER --from CALLER",
		Short: "Send a signed dial-in webhook to serve, or place a call through the emulator",
		Long: "Without --emulator: send the dial-in webhook Daily would send for a call to --to from --from\n" +
			"({\"To\",\"From\",\"callId\",\"callDomain\",\"sipHeaders\"}) to --url, signed with X-Pinless-Signature\n" +
			"over the exact body, and print serve's answer (status and body). Exits 1 unless it is 2xx.\n" +
			"The secret is --secret-file, else DIALIN_WEBHOOK_SECRET, else the hmac of --to's\n" +
			"pinless_dialin route, read from Daily; then, without --url, the webhook goes to the route's\n" +
			"URL when that is on this machine (loopback), as Daily would send it. Nothing is placed on hold: no caller waits, and the\n" +
			"bot's pinlessCallUpdate will fail (the call does not exist on Daily).\n\n" +
			"With --emulator URL (or --via-emulator: DAILY_API_URL), the emulator receives a call on\n" +
			"--to's route instead: it holds the call, sends the route's webhook itself, and this command\n" +
			"prints the call's timeline as it happens (each mark with its time since \"received\") and the\n" +
			"hold time. Exits 0 once the caller is connected, 1 if the call is lost or dropped. When the\n" +
			"emulator cannot deliver the route's webhook (serve not running), the call is hung up and\n" +
			"the command exits 1 at once instead of waiting for the hold timeout.",
		Example: "  dialin simulate call --to +14155550100 --from +15550001111\n" +
			"  dialin simulate call --to +14155550100 --from '$(reboot)' --header X-Tenant=acme --secret-file route.secret\n" +
			"  dialin simulate call --to +14155550100 --from +15550001111 --via-emulator",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.validate(c, headers); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Emulator != "" || opts.ViaEmulator {
				return emulatorRun(c.Context(), opts)
			}
			return sendRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "The dialled number (E.164), or a SIP interconnect route's sip: URI")
	fl.StringVar(&opts.From, "from", "", "The caller, sent as is (any value: serve must treat it as data)")
	fl.StringArrayVar(&headers, "header", nil, "SIP header of the call, `NAME=VALUE` (sipHeaders); repeat for more")
	fl.StringVar(&opts.URL, "url", DefaultURL, "Where to send the webhook; without it, the route's URL when that is on this machine, else this")
	fl.StringVar(&opts.SecretFile, "secret-file", "", "Sign with the base64 secret in `FILE` (- for stdin)")
	fl.StringVar(&opts.CallID, "call-id", "", "callId to send (default: a new UUID)")
	fl.StringVar(&opts.CallDomain, "call-domain", "", "callDomain to send (default: the domain id when the route is read from Daily, else a new UUID)")
	fl.StringVar(&opts.Emulator, "emulator", "", "Place the call through the emulator at `URL` instead (its key: DAILY_API_KEY)")
	fl.BoolVar(&opts.ViaEmulator, "via-emulator", false, "Place the call through the emulator DAILY_API_URL points at")
	fl.DurationVar(&opts.Timeout, "timeout", 3*time.Minute, "With the emulator: how long to follow the call")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

func (o *CallOptions) validate(c *cobra.Command, headers []string) error {
	fl := c.Flags()
	switch {
	case !fl.Changed("to"):
		return cmdutil.FlagErrorf("--to: required: the number (or sip: URI) the caller dials")
	case !fl.Changed("from"):
		return cmdutil.FlagErrorf("--from: required: the caller, e.g. +15550001111")
	}
	if strings.HasPrefix(o.To, "sip:") {
		if len(o.To) < 6 || strings.ContainsAny(o.To, " \r\n\t") {
			return cmdutil.FlagErrorf("--to: %q is not a SIP URI such as sip:user@host", o.To)
		}
	} else {
		n, err := phone.Normalize(o.To, "")
		if err != nil || !phone.IsE164(n) {
			return cmdutil.FlagErrorf("--to: %q is not an E.164 number such as %s, or a sip: URI", o.To, phone.Example)
		}
		o.To = n
	}
	switch {
	case o.From == "":
		return cmdutil.FlagErrorf("--from: must not be empty")
	case len(o.From) > maxFrom:
		return cmdutil.FlagErrorf("--from: at most %d bytes", maxFrom)
	}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, "=")
		if !ok || name == "" || strings.ContainsAny(name, " :\t\r\n") {
			return cmdutil.FlagErrorf("--header: %q must be NAME=VALUE with a SIP header name", h)
		}
		if o.SIPHeaders == nil {
			o.SIPHeaders = map[string]string{}
		}
		o.SIPHeaders[name] = value
	}
	o.secretSet = fl.Changed("secret-file")
	o.urlSet = fl.Changed("url")
	if fl.Changed("emulator") || o.ViaEmulator {
		return o.validateEmulator(fl.Changed)
	}
	if u, err := url.Parse(o.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cmdutil.FlagErrorf("--url: must be an absolute http or https URL, e.g. %s", DefaultURL)
	}
	// --call-id and --call-domain are sent as given, bad ones included: serve's answer to
	// them is worth seeing.
	return nil
}

// validateEmulator checks the emulator mode: the emulator sends the webhook itself, so the
// direct mode's flags do not apply.
func (o *CallOptions) validateEmulator(changed func(string) bool) error {
	if changed("emulator") && o.ViaEmulator {
		return cmdutil.FlagErrorf("--emulator, --via-emulator: give one")
	}
	for _, name := range []string{"url", "secret-file", "call-id", "call-domain"} {
		if changed(name) {
			return cmdutil.FlagErrorf("--%s: not used with the emulator, which sends the route's webhook itself", name)
		}
	}
	if o.Timeout <= 0 {
		return cmdutil.FlagErrorf("--timeout: must be more than 0")
	}
	if o.ViaEmulator {
		return nil // DAILY_API_URL is resolved when the command runs
	}
	return checkEmulatorURL("--emulator", o.Emulator)
}

// checkEmulatorURL accepts only an http URL on this machine: the emulator never runs
// elsewhere, and its control endpoints must never be tried against Daily.
func checkEmulatorURL(where, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return cmdutil.FlagErrorf("%s: must be the emulator's http URL, e.g. http://127.0.0.1:8089/v1", where)
	}
	if host := u.Hostname(); !loopback.Host(host) {
		return cmdutil.FlagErrorf("%s: %s is not on this machine; the emulator runs on loopback", where, host)
	}
	return nil
}

// emulatorURL resolves --via-emulator to DAILY_API_URL (the profile's api_url).
func (o *CallOptions) emulatorURL() (string, error) {
	if !o.ViaEmulator {
		return o.Emulator, nil
	}
	cfg, err := o.Config()
	if err != nil {
		return "", err
	}
	u, err := cfg.APIURL()
	if err != nil {
		return "", err
	}
	if err := checkEmulatorURL("--via-emulator: DAILY_API_URL", u); err != nil {
		return "", err
	}
	return u, nil
}

// ctxTimeout bounds following a call.
func (o *CallOptions) ctxTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, o.Timeout)
}
