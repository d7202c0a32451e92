package calls

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// uuidPattern is the shape of callId and callDomain: Daily documents both as UUIDs.
var uuidPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// forwardFailedHint is printed under Daily's 404 "Call Forwarding Failed".
const forwardFailedHint = "the room's SIP endpoint must be ready (its dialin-ready event fired, which needs a " +
	"participant in the room) before the call is patched: on Daily a too-early update drops the call. " +
	"Patch each call exactly once; calling it twice for one call is a bug. Also check that --call-id and " +
	"--call-domain come from this call's webhook and that the API key is the one of the domain that owns the number"

// UpdateOptions are the inputs of `dialin calls update`.
type UpdateOptions struct {
	IO          *iostreams.IOStreams
	DailyClient func() (*daily.Client, error)
	Exporter    cmdutil.Exporter

	CallID     string
	CallDomain string
	SIPURI     string // normalised: always with the sip: (or sips:) scheme
}

// NewCmdUpdate builds `calls update`; runF replaces the run function in tests.
func NewCmdUpdate(f *cmdutil.Factory, runF func(*UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{IO: f.IOStreams, DailyClient: f.DailyClient}
	cmd := &cobra.Command{
		Use:   "update --call-id ID --call-domain ID --sip-uri URI",
		Short: "Patch a held call into a room's SIP endpoint (pinlessCallUpdate)",
		Long: "Send a call that Daily holds (hold music) to a room's SIP endpoint, with\n" +
			"POST /dialin/pinlessCallUpdate. --call-id and --call-domain are the callId and callDomain of\n" +
			"the dial-in webhook; --sip-uri is the room's SIP URI (from `dialin rooms create --sip`, or the\n" +
			"dialin-ready event), with or without the sip: prefix.\n\n" +
			"Only after the endpoint is ready: Daily drops a call patched too early. Only once per\n" +
			"call: the request is never retried, because the first one may have connected the call.",
		Example: "  dialin calls update --call-id a7bf8461-7d33-4083-9677-5cfdb4f337a5 \\\n" +
			"    --call-domain 9c975848-a067-4de0-bf47-1b4179ceba4e --sip-uri sip:support-1.0@example.sip.daily.co",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return updateRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.CallID, "call-id", "", "callId of the dial-in webhook (a UUID)")
	fl.StringVar(&opts.CallDomain, "call-domain", "", "callDomain of the dial-in webhook (a UUID)")
	fl.StringVar(&opts.SIPURI, "sip-uri", "", "SIP URI of the room's endpoint, with or without sip:")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

// validate names the first missing or malformed flag, before any request.
func (o *UpdateOptions) validate() error {
	o.CallID, o.CallDomain = strings.TrimSpace(o.CallID), strings.TrimSpace(o.CallDomain)
	o.SIPURI = daily.NormalizeSIPURI(o.SIPURI)
	for _, f := range []struct{ flag, value, what string }{
		{"call-id", o.CallID, "the callId of the dial-in webhook"},
		{"call-domain", o.CallDomain, "the callDomain of the dial-in webhook"},
		{"sip-uri", o.SIPURI, "the room's SIP URI"},
	} {
		if f.value == "" {
			return cmdutil.FlagErrorf("--%s: required (%s)", f.flag, f.what)
		}
	}
	for _, f := range []struct{ flag, value string }{{"call-id", o.CallID}, {"call-domain", o.CallDomain}} {
		if !uuidPattern.MatchString(f.value) {
			return cmdutil.FlagErrorf("--%s: must be a UUID such as a7bf8461-7d33-4083-9677-5cfdb4f337a5, not %q", f.flag, f.value)
		}
	}
	if !validSIPURI(o.SIPURI) {
		return cmdutil.FlagErrorf("--sip-uri: must be a SIP URI user@host such as sip:room.0@example.sip.daily.co, not %q", o.SIPURI)
	}
	return nil
}

// validSIPURI accepts sip:user@host (or sips:), optionally with ;params or ?headers such as
// x-daily_display_name; it refuses blanks, a missing user or a missing host.
func validSIPURI(uri string) bool {
	_, rest, _ := strings.Cut(uri, ":")
	if strings.ContainsAny(rest, " \t\r\n<>\"") {
		return false
	}
	user, host, ok := strings.Cut(rest, "@")
	host, _, _ = strings.Cut(host, ";")
	host, _, _ = strings.Cut(host, "?")
	return ok && user != "" && host != "" && !strings.Contains(host, "@")
}

// UpdateJSON is what --json prints after Daily accepted the update.
type UpdateJSON struct {
	CallID     string `json:"call_id"`
	CallDomain string `json:"call_domain"`
	SIPURI     string `json:"sip_uri"`
	Updated    bool   `json:"updated"`
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	req := daily.PinlessCallUpdateRequest{CallID: opts.CallID, CallDomain: opts.CallDomain, SIPURI: opts.SIPURI}
	err = opts.IO.WithProgress("Patching the call into "+opts.SIPURI, func() error {
		return client.PinlessCallUpdate(ctx, req)
	})
	if err != nil {
		return withHint(err)
	}
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, UpdateJSON{CallID: opts.CallID, CallDomain: opts.CallDomain, SIPURI: opts.SIPURI, Updated: true})
	}
	cs := output.NewErrColorScheme(opts.IO)
	opts.IO.Infof("%s Call %s patched into %s", cs.SuccessIcon(), opts.CallID, opts.SIPURI)
	return nil
}

// withHint adds what to check to Daily's refusals of the update.
func withHint(err error) error {
	var apiErr *daily.APIError
	var transport *daily.TransportError
	switch {
	case daily.IsNotFound(err):
		return cmdutil.WithHint(err, forwardFailedHint)
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest:
		return cmdutil.WithHint(err, "Daily needs callId, callDomain and sipUri; all three were sent, so check their values")
	case errors.As(err, &transport), errors.As(err, &apiErr) && apiErr.Status >= 500:
		return cmdutil.WithHint(err, "Daily's answer was lost, so the call may be connected already: do not repeat the update blindly")
	}
	return err
}
