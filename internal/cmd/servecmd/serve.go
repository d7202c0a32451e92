// Package serve implements `dialin serve`: the webhook server that turns Daily's pinless
// dial-in webhook into a room, a meeting token and a running bot for each call. The engine
// is pkg/dialin/serve; this package reads flags and the config file, wires the engine's
// dependencies (deps.go, the one place to extend), listens, prints what it does, and shuts
// down gracefully on SIGINT/SIGTERM.
//
// Output goes to stderr, as all of it is messages: a start-up banner, then on a terminal one
// line per call event (caller values escaped), else JSON logs.
package servecmd

import (
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// Defaults of the flags.
const (
	DefaultAddr            = "127.0.0.1:7860"
	DefaultShutdownTimeout = 30 * time.Second
)

// Log formats.
const (
	LogText = "text"
	LogJSON = "json"
)

// Options are the inputs of `dialin serve`.
type Options struct {
	IO *iostreams.IOStreams
	// Config is dialin's own configuration: the Daily API URL and key.
	Config func() (*config.Config, error)
	// Getenv reads DIALIN_WEBHOOK_SECRET and DIALIN_EVENTS_SECRET (os.Getenv unless a test sets it).
	Getenv func(string) string

	Addr           string
	MetricsAddr    string
	MaxConns       int // open connections on --addr (serve.LimitListener)
	ConfigFile     string
	BotCmd, BotURL string
	// BotPipecat, BotPipecatCloud and BotForward are bots that make their own room (pipecat.go).
	BotPipecat, BotPipecatCloud, BotForward string
	Patch, Tokens                           string
	Cap                                     int
	QueueTimeout                            time.Duration
	MaxCallDuration                         time.Duration
	ShutdownTimeout                         time.Duration
	Hold                                    time.Duration
	AdmissionMargin                         time.Duration
	// DailyRateLimit is the requests per second Daily allows the domain (--daily-rate-limit):
	// the published 20 unless Daily raised it; serve's request budget is sized to it.
	DailyRateLimit float64

	WebhookSecretFile  string
	EventsSecretFile   string
	InsecureSkipVerify bool
	LogFormat          string // "" until validated: text on a terminal, JSON otherwise
	ReadyFile          string // written with serve's URLs once it listens (readyfile.go)
	CPUProfile         string // --cpu-profile: a Go CPU profile of the run, written at shutdown (profile.go)

	// State is --state: memory, or the Redis that replicas share (state.go).
	State string
	// The warm hook's flags (warm.go); each, when given, overrides the config's setting for
	// every rule.
	WarmRooms        string // auto or N
	PoolMinRooms     int
	PoolRefill       float64
	PoolRoomLifetime time.Duration
	WarmBots         string // auto or N

	// The admin hook's flags (admin.go): the call history and the admin listener.
	CallHistory    int
	CallHistoryTTL time.Duration
	AdminAddr      string

	// Check is --check: check the flags, the file and the bots' programs, report every
	// mistake, and exit without listening or making a request.
	Check bool

	// Hooks are serve's optional parts with flags of their own (see deps.go).
	Hooks []*DepsHook

	flags *pflag.FlagSet // to tell a flag given from its default

	// serveConfig is the configuration validate built (the file with the flags applied,
	// normalized once); logger and logJSON are serve's logger once built, which also
	// writes the error serve ends with (reportFatal).
	serveConfig *serveconfig.Config
	logger      *slog.Logger
	logJSON     bool

	// Test seams: extra bot environment, and a call once serve listens and has started.
	botEnv   []string
	ready    func(url string, srv *serve.Server)
	listener net.Listener // bound by the test, instead of --addr
	// interrupts replaces the process's SIGINT/SIGTERM in tests.
	interrupts chan os.Signal
	// Set by RunEmbedded (embed.go): more sinks for call events, and event lines off a terminal.
	events serve.Sink
	lines  bool
}

// Changed reports whether the flag was given on the command line.
func (o *Options) Changed(name string) bool {
	return o.flags != nil && o.flags.Changed(name)
}

// NewCmdServe builds `serve`; runF replaces the run function in tests.
func NewCmdServe(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Getenv: os.Getenv, Hooks: depsHooks()}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the webhook server that hands each incoming call to a bot",
		Long: "Receive Daily's pinless dial-in webhook, verify its signature, create a SIP dial-in room\n" +
			"and a meeting token, and start the call's bot: a process (--bot-cmd; argv split once, never a\n" +
			"shell) or a bot runner (--bot-url). Routing rules, caps and room settings come from a YAML\n" +
			"--config file; a one-bot setup needs none.\n\n" +
			"Fast by default: meeting tokens are signed locally once Daily accepts one at start-up\n" +
			"(--tokens auto), and each rule keeps warm rooms sized by its call rate (--warm-rooms auto),\n" +
			"so a call's room and token cost no request to Daily while the caller waits.\n" +
			"--tokens rest --warm-rooms 0 asks Daily for both on every call.\n\n" +
			"Paths: the webhook (/dialin: point routes here with `dialin routes set --url`), Daily's\n" +
			"/webhooks events (/events: dialin.ready, .connected, .stopped), /healthz, /readyz, /metrics.\n" +
			"The admin listener (--admin-addr, default 127.0.0.1:7861) serves the last calls' timelines\n" +
			"(--call-history) to `dialin calls` and as a live page at /; see docs/calls.md.\n\n" +
			"Secrets: the webhook is verified with --webhook-secret-file, else DIALIN_WEBHOOK_SECRET, else\n" +
			"every pinless_dialin route's hmac read from Daily (refreshed every 5 minutes, and when a\n" +
			"signature matches none, at most once a minute). Events likewise with --events-secret-file,\n" +
			"DIALIN_EVENTS_SECRET, else the /webhooks subscription's hmac. Secrets are never printed.\n\n" +
			"Bot placeholders: {room_url} {token} {call_id} {call_domain} {sip_uri} {from} {to}, also in\n" +
			"the environment (DIALIN_*) and as one JSON line on stdin. With --patch bot (default) the bot\n" +
			"calls pinlessCallUpdate: a --bot-cmd process gets DAILY_API_KEY in its environment, a\n" +
			"--bot-url runner uses its own key (serve sends it none); with --patch serve, serve patches\n" +
			"the call on dialin.ready and no bot gets a key.\n\n" +
			"--check checks the flags, the --config file and the bots' programs without listening or\n" +
			"asking Daily, and lists every mistake at once (file:line: field: rule).\n\n" +
			"SIGINT or SIGTERM stops taking webhooks, finishes the calls under way (at most\n" +
			"--shutdown-timeout) and exits 0; running bots are left alone. A second SIGINT or SIGTERM\n" +
			"stops at once, naming each accepted call it drops, and exits 130. See docs/serve.md.",
		Example: "  dialin serve --config serve.yaml --check\n" +
			"  dialin serve --bot-cmd 'python3 -m bot -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}'\n" +
			"  dialin serve --config serve.yaml --addr 0.0.0.0:7860 --metrics-addr 127.0.0.1:9090\n" +
			"  dialin serve --bot-url http://127.0.0.1:9000/start --patch serve --tokens local",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			opts.flags = c.Flags()
			if runF != nil {
				if err := validate(opts); err != nil {
					return err
				}
				return runF(opts)
			}
			return opts.reportFatal(run(c.Context(), opts))
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", DefaultAddr, "Address to listen on, HOST:PORT (0.0.0.0 or :PORT for every interface)")
	fl.StringVar(&opts.ConfigFile, "config", "", "Serve configuration `FILE` (YAML): rules, caps, rooms (see docs/serve.md)")
	fl.StringVar(&opts.BotCmd, "bot-cmd", "", "Bot command line for every call, with {room_url} {token} {call_id} {call_domain} {sip_uri} {from} {to}")
	fl.StringVar(&opts.BotURL, "bot-url", "", "Bot runner `URL` that gets each call as a JSON POST")
	addSelfRoomBotFlags(fl, opts)
	fl.StringVar(&opts.Patch, "patch", "", "Who calls pinlessCallUpdate: bot or serve (default: the config's, else bot)")
	fl.StringVar(&opts.Tokens, "tokens", "", "Meeting tokens: rest (from Daily), local (signed with the API key), or auto (local once Daily accepts one at start-up, else rest) (default: the config's, else auto)")
	fl.IntVar(&opts.Cap, "cap", 0, "Calls running at once (default: the config's caps.global, else 50)")
	fl.DurationVar(&opts.QueueTimeout, "queue-timeout", 0, "How long a call over the cap waits for a slot (default: the config's, else 30s)")
	fl.DurationVar(&opts.MaxCallDuration, "max-call-duration", 0, "Free a call's slot after this long, whatever happens (default: the config's, else 1h)")
	fl.StringVar(&opts.WebhookSecretFile, "webhook-secret-file", "", "Verify the webhook with the base64 secret in `FILE` (- for stdin) instead of the routes' hmac")
	fl.StringVar(&opts.EventsSecretFile, "events-secret-file", "", "Verify /webhooks events with the base64 secret in `FILE` instead of the subscription's hmac")
	fl.BoolVar(&opts.InsecureSkipVerify, "insecure-skip-verify", false, "Accept unsigned and wrongly signed webhooks (loopback only; local experiments)")
	fl.StringVar(&opts.MetricsAddr, "metrics-addr", "", "Serve /metrics on this HOST:PORT instead of --addr")
	fl.IntVar(&opts.MaxConns, "max-conns", serve.DefaultMaxConns, "Open connections on --addr; past them /healthz and /readyz still answer, webhooks get 503")
	fl.DurationVar(&opts.ShutdownTimeout, "shutdown-timeout", DefaultShutdownTimeout, "On SIGINT/SIGTERM, how long to wait for calls under way to reach their bot")
	fl.DurationVar(&opts.Hold, "hold", serve.DefaultHoldBudget, "How long Daily holds a caller: a call whose room and token cannot get through Daily's rate budget by then is refused at once (503), and retries stop there")
	fl.DurationVar(&opts.AdmissionMargin, "admission-margin", serve.DefaultAdmissionMargin, "Of the hold, how much admission keeps for the bot after Daily's budget lets a call's requests through: at least the bot's time from being handed the call to the caller connected (start-up, join, patch)")
	fl.Float64Var(&opts.DailyRateLimit, "daily-rate-limit", 0, "Requests per second Daily allows this domain (set what Daily raised it to): serve's request budget, admission, and the pool's default refill scale with it (default: the config's daily_rate_limit, else 20, the published limit)")
	readyFileFlag(fl, opts)
	fl.StringVar(&opts.LogFormat, "log-format", "", "Logs on stderr: text or json (default: text on a terminal, else json)")
	fl.BoolVar(&opts.Check, "check", false, "Check the flags, the --config file and the bots' programs offline, report every mistake (file:line: field: rule), and exit")
	for _, h := range opts.Hooks {
		if h.Flags != nil {
			h.Flags(fl, opts)
		}
	}
	_ = cmd.RegisterFlagCompletionFunc("patch", cobra.FixedCompletions([]string{serveconfig.PatchBot, serveconfig.PatchServe}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("tokens", cobra.FixedCompletions([]string{serveconfig.TokensREST, serveconfig.TokensLocal, serveconfig.TokensAuto}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("log-format", cobra.FixedCompletions([]string{LogText, LogJSON}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
