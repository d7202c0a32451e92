// Package dev implements `dialin dev`: for a session, a real number rings the bot on this
// machine. It opens a tunnel (--public-url, embedded ngrok or cloudflared) to serve run
// in-process on loopback, lends the number's route to the tunnel's URL (pkg/dialin/devroute:
// hmac kept, journal first, every other entry untouched), prints one line per call event,
// and on the way out (Ctrl-C, SIGTERM, the bot failing to start, the tunnel dropping) puts
// the production route back byte for byte. `dialin dev --restore` ends a session that
// crashed.
//
// The command is serve's own command (servecmd.NewCmdServe) renamed, with dev's flags added,
// so every bot flag and check of serve applies unchanged.
package dev

import (
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmd/servecmd"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
	"github.com/dialin-project/dialin/pkg/dialin/tunnel"
)

// DefaultAddr is where dev's serve listens: loopback, a port the system chooses (the tunnel
// is the way in).
const DefaultAddr = "127.0.0.1:0"

// The --tunnel values.
const (
	TunnelNgrok       = "ngrok"
	TunnelCloudflared = "cloudflared"
)

// Options are the inputs of `dialin dev`.
type Options struct {
	IO          *iostreams.IOStreams
	Config      func() (*config.Config, error)
	DailyClient func() (*daily.Client, error)
	// StateDir is where journals, locks and route backups go (config.StateDir).
	StateDir func() (string, error)
	Getenv   func(string) string

	Number    string // E.164 once checked
	PublicURL string
	Tunnel    string
	Yes       bool
	AllowHTTP bool
	Restore   bool

	// Serve are serve's options, parsed by serve's own flags.
	Serve *servecmd.Options

	// Test seams: a tunnel of the test's own, and a call once the session is live.
	provider tunnel.Provider
	live     func(webhookURL string)
}

// NewCmdDev builds `dev`; runF replaces the run function in tests.
func NewCmdDev(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	return newCmdDev(f, &Options{StateDir: config.StateDir, Getenv: os.Getenv}, runF)
}

// newCmdDev builds `dev` on opts, whose test seams (and StateDir, Getenv) the caller set.
func newCmdDev(f *cmdutil.Factory, opts *Options, runF func(*Options) error) *cobra.Command {
	opts.IO, opts.Config, opts.DailyClient = f.IOStreams, f.Config, f.DailyClient
	var cmd *cobra.Command
	cmd = servecmd.NewCmdServe(f, func(so *servecmd.Options) error {
		opts.Serve = so
		if runF != nil {
			return runF(opts)
		}
		return devRun(cmd.Context(), opts)
	})
	serveRunE := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if err := opts.check(c); err != nil {
			return err
		}
		if opts.Restore {
			if runF != nil {
				return runF(opts)
			}
			return restoreRun(c.Context(), opts)
		}
		return serveRunE(c, args) // serve's checks, then devRun
	}
	cmd.Use = "dev --number NUMBER (--public-url URL | --tunnel ngrok|cloudflared) (--bot-cmd CMD | --bot-url URL | …)"
	cmd.Short = "Ring the bot on this machine from a real number, for a session"
	cmd.Long = "Make a real Daily number ring the bot on this machine until you stop: serve runs here on\n" +
		"loopback, a tunnel gives it a public URL, and the number's route points at that URL for the\n" +
		"session. Each call event is printed as one line (received, room, bot started, ready,\n" +
		"patched, connected, stopped, refused and why).\n\n" +
		"The tunnel: --public-url URL (one you run yourself), --tunnel ngrok (embedded; the authtoken\n" +
		"comes from NGROK_AUTHTOKEN, and ngrok is the default when it is set), or --tunnel cloudflared\n" +
		"(a `cloudflared tunnel --url` child process, when cloudflared is on PATH).\n\n" +
		"The route: the number's live entry is shown, and on a terminal you are asked (in a script,\n" +
		"--yes is required: this takes a production number's calls). Only room_creation_api changes;\n" +
		"the hmac stays (serve verifies with it), and every other field and entry is kept byte for\n" +
		"byte. A journal of the previous entry is written to the state directory before the write.\n" +
		"On exit (Ctrl-C, SIGTERM, the bot failing to start, the tunnel dropping) the previous entry\n" +
		"is put back byte for byte, or the session's entry removed if there was none, unless someone\n" +
		"changed it meanwhile: then it is left alone and both are printed. After a crash the journal\n" +
		"remains: the next `dialin dev` on the number, or `dialin dev --restore`, restores first.\n" +
		"Two sessions on one number refuse each other.\n\n" +
		"Every serve flag works here (bot kinds, --patch, --config, …); --addr defaults to a free\n" +
		"loopback port. See docs/dev.md."
	cmd.Example = "  export NGROK_AUTHTOKEN=…\n" +
		"  dialin dev --number +14155550100 --bot-cmd 'python3 -m bot -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}'\n" +
		"  dialin dev --number +14155550100 --tunnel cloudflared --bot-pipecat http://127.0.0.1:7860\n" +
		"  dialin dev --number +14155550100 --public-url https://my-tunnel.example.com --bot-url http://127.0.0.1:9000/start\n" +
		"  dialin dev --restore --number +14155550100"
	fl := cmd.Flags()
	fl.StringVar(&opts.Number, "number", "", "The purchased `NUMBER` (E.164) to ring this machine")
	fl.StringVar(&opts.PublicURL, "public-url", "", "Base `URL` of a tunnel you run to --addr (serve's webhook path is added)")
	fl.StringVar(&opts.Tunnel, "tunnel", "", "Tunnel to open: ngrok (NGROK_AUTHTOKEN; the default when set) or cloudflared (on PATH)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "Take the number's calls without asking (required when not interactive)")
	fl.BoolVar(&opts.AllowHTTP, "allow-http", false, "Accept a loopback http:// --public-url (local experiments with an emulator)")
	fl.BoolVar(&opts.Restore, "restore", false, "Put back the route a crashed session left, from its journal, and exit")
	if a := fl.Lookup("addr"); a != nil {
		a.DefValue = DefaultAddr
		_ = a.Value.Set(DefaultAddr)
		a.Usage = "Address serve listens on, HOST:PORT (loopback; the tunnel forwards to it)"
	}
	if lf := fl.Lookup("log-format"); lf != nil {
		lf.Usage = "Logs on stderr: text or json (default: text, with one line per call event)"
	}
	_ = cmd.RegisterFlagCompletionFunc("tunnel", cobra.FixedCompletions([]string{TunnelNgrok, TunnelCloudflared}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// check validates dev's own flags before anything is read or requested.
func (o *Options) check(c *cobra.Command) error {
	if strings.TrimSpace(o.Number) == "" {
		return cmdutil.FlagErrorf("--number: required: the purchased number to ring this machine, in E.164 (+14155550100)")
	}
	n, err := phone.Normalize(o.Number, "")
	if err != nil {
		return cmdutil.FlagErrorf("--number: %v", err)
	}
	o.Number = n
	if o.Restore {
		return nil
	}
	if o.PublicURL != "" && o.Tunnel != "" {
		return cmdutil.FlagErrorf("--public-url, --tunnel: give one, not both")
	}
	if c.Flags().Changed("tunnel") && o.Tunnel != TunnelNgrok && o.Tunnel != TunnelCloudflared {
		return cmdutil.FlagErrorf("--tunnel: must be %s or %s, got %q", TunnelNgrok, TunnelCloudflared, o.Tunnel)
	}
	if c.Flags().Changed("public-url") {
		if err := tunnel.CheckPublicURL(o.PublicURL, o.AllowHTTP); err != nil {
			return cmdutil.FlagErrorf("--public-url: %v", err)
		}
	}
	if o.PublicURL == "" && o.Tunnel == "" && o.provider == nil {
		if strings.TrimSpace(o.Getenv(tunnel.EnvNgrokAuthtoken)) == "" {
			return cmdutil.FlagErrorf("no tunnel: give --public-url URL, --tunnel cloudflared, or --tunnel ngrok with %s set", tunnel.EnvNgrokAuthtoken)
		}
		o.Tunnel = TunnelNgrok
	}
	// The tunnel's own requirements (a token, a binary on PATH), before any request.
	p, err := o.openProvider()
	if err != nil {
		return cmdutil.FlagErrorWrap(err)
	}
	o.provider = p
	return nil
}

// openProvider is the tunnel chosen.
func (o *Options) openProvider() (tunnel.Provider, error) {
	switch {
	case o.provider != nil:
		return o.provider, nil
	case o.PublicURL != "":
		return tunnel.Static{PublicURL: o.PublicURL}, nil
	case o.Tunnel == TunnelCloudflared:
		return tunnel.FindCloudflared()
	default:
		return tunnel.NgrokFromEnv(o.Getenv)
	}
}
