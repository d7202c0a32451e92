package standincmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/standin/pipecat"
)

// EnvPipecatCloudKey holds the Pipecat Cloud public key the Cloud stand-in accepts (never a
// flag): the variable serve reads the key from.
const EnvPipecatCloudKey = config.EnvPipecatCloudKey

// PipecatOptions are the inputs of `dialin standin-pipecat-runner` and
// `dialin standin-pipecat-cloud`.
type PipecatOptions struct {
	IO     *iostreams.IOStreams
	Config func() (apiURL, apiKey string, err error)
	Getenv func(string) string

	Cloud        bool // the Cloud stand-in, not the runner
	Addr         string
	ReadyFile    string // written with DIALIN_STANDIN_URL once it listens
	Dialin       bool
	RoomHours    float64
	StartupDelay time.Duration
	TalkTime     time.Duration
	// Cloud only.
	Agents      []string
	MaxSessions int
	ColdStart   time.Duration

	// ready, when set (tests), is called with the base URL once the server listens.
	ready func(url string)
}

func newPipecatOptions(f *cmdutil.Factory) *PipecatOptions {
	return &PipecatOptions{IO: f.IOStreams, Getenv: os.Getenv, Config: dailyConfig(f)}
}

// NewCmdStandinPipecatRunner builds the hidden stand-in for Pipecat's runner; runF replaces
// the run function in tests.
func NewCmdStandinPipecatRunner(f *cmdutil.Factory, runF func(*PipecatOptions) error) *cobra.Command {
	opts := newPipecatOptions(f)
	cmd := &cobra.Command{
		Use:    "standin-pipecat-runner",
		Short:  "A stand-in for Pipecat's runner (`python bot.py -t daily --dialin`) against the emulator",
		Hidden: true,
		Args:   cobra.NoArgs,
		Long: "Serves POST /start and, with --dialin, POST /daily-dialin-webhook as Pipecat's runner\n" +
			"does: it creates the room in the emulator (exp = now + --room-hours, a fraction, as\n" +
			"Pipecat sends it) and a meeting token, and starts a stand-in bot with the request's\n" +
			"body. A body that is a DailyDialinRequest makes the bot patch the call with its\n" +
			"daily_api_key and daily_api_url, once, as Pipecat's transport does; any other body is\n" +
			"skipped, as in Pipecat, and the bot never patches. DAILY_API_URL and DAILY_API_KEY must\n" +
			"point at the emulator. stdout gets the runner's URL.",
		Example: "  dialin standin-pipecat-runner --dialin --addr 127.0.0.1:7860",
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkLoopback(opts.Addr); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runPipecat(c.Context(), opts)
		},
	}
	addPipecatFlags(cmd, opts)
	cmd.Flags().BoolVar(&opts.Dialin, "dialin", false, "Also serve POST /daily-dialin-webhook (the runner's --dialin)")
	return cmd
}

// NewCmdStandinPipecatCloud builds the hidden stand-in for Pipecat Cloud's public API; runF
// replaces the run function in tests.
func NewCmdStandinPipecatCloud(f *cmdutil.Factory, runF func(*PipecatOptions) error) *cobra.Command {
	opts := newPipecatOptions(f)
	opts.Cloud = true
	cmd := &cobra.Command{
		Use:    "standin-pipecat-cloud",
		Short:  "A stand-in for Pipecat Cloud's start API and hosted dial-in webhook against the emulator",
		Hidden: true,
		Args:   cobra.NoArgs,
		Long: "Serves POST /v1/public/{agent}/start (Bearer: the key in " + EnvPipecatCloudKey + ") and the\n" +
			"hosted dial-in webhook POST /v1/public/webhooks/{org}/{agent}/dialin. Each agent has a\n" +
			"pool of --max-sessions: a start beyond it answers 429, a session keeps its place from\n" +
			"the request through --cold-start until its bot leaves (the call ends). Rooms and bots\n" +
			"are the runner stand-in's. stdout gets the PIPECAT_CLOUD_API_URL to use.",
		Example: "  PIPECAT_CLOUD_API_KEY=pk_test dialin standin-pipecat-cloud --agent my-agent --max-sessions 2 --cold-start 2s",
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkLoopback(opts.Addr); err != nil {
				return err
			}
			if opts.MaxSessions < 1 {
				return cmdutil.FlagErrorf("--max-sessions: must be at least 1")
			}
			if opts.Getenv(EnvPipecatCloudKey) == "" {
				return cmdutil.FlagErrorf("%s must hold the key the stand-in accepts", EnvPipecatCloudKey)
			}
			if runF != nil {
				return runF(opts)
			}
			return runPipecat(c.Context(), opts)
		},
	}
	addPipecatFlags(cmd, opts)
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.Agents, "agent", nil, "An agent name it knows (repeatable; none: any name)")
	fl.IntVar(&opts.MaxSessions, "max-sessions", pipecat.DefaultMaxSessions, "Active sessions per agent before a start answers 429")
	fl.DurationVar(&opts.ColdStart, "cold-start", 0, "How long a session takes to start before the answer")
	return cmd
}

func addPipecatFlags(cmd *cobra.Command, opts *PipecatOptions) {
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:0", "Loopback address to listen on, HOST:PORT (port 0: any free port)")
	fl.StringVar(&opts.ReadyFile, "ready-file", "", "Once listening, write DIALIN_STANDIN_URL=URL to this `FILE` (removed on exit)")
	fl.Float64Var(&opts.RoomHours, "room-hours", pipecat.DefaultRoomHours, "Room lifetime (configure()'s room_exp_duration)")
	fl.DurationVar(&opts.StartupDelay, "startup-delay", 0, "Each bot's start-up before joining")
	fl.DurationVar(&opts.TalkTime, "talk-time", 0, "A bot leaves after this long in the call (0: when the call ends)")
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	if err != nil || (!strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback())) {
		return cmdutil.FlagErrorf("--addr: must be a loopback HOST:PORT such as 127.0.0.1:0 (a stand-in serves tests and demos only)")
	}
	return nil
}

// runPipecat serves the runner (or Cloud) stand-in until ctx ends.
func runPipecat(ctx context.Context, opts *PipecatOptions) error {
	apiURL, apiKey, err := opts.Config()
	if err != nil {
		return err
	}
	if apiKey == "" {
		return errors.New("DAILY_API_KEY is not set: the stand-in needs the emulator's key to create rooms")
	}
	cfg := pipecat.Config{DailyAPIURL: apiURL, DailyAPIKey: apiKey, Dialin: opts.Dialin, RoomHours: opts.RoomHours,
		StartupDelay: opts.StartupDelay, TalkTime: opts.TalkTime,
		Logger: slog.New(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	var handler http.Handler
	var closeEngine func()
	suffix := ""
	if opts.Cloud {
		c := pipecat.NewCloud(pipecat.CloudConfig{Config: cfg, APIKey: opts.Getenv(EnvPipecatCloudKey),
			Agents: opts.Agents, MaxSessions: opts.MaxSessions, ColdStart: opts.ColdStart})
		handler, closeEngine, suffix = c.Handler(), c.Close, "/v1"
	} else {
		r := pipecat.NewRunner(cfg)
		handler, closeEngine = r.Handler(), r.Close
	}
	defer closeEngine()
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	url := "http://" + ln.Addr().String() + suffix
	if opts.Cloud {
		fmt.Fprintf(opts.IO.Out, "export PIPECAT_CLOUD_API_URL=%s\n", url)
	} else {
		fmt.Fprintln(opts.IO.Out, url)
	}
	if opts.ready != nil {
		opts.ready(url)
	}
	if opts.ReadyFile != "" {
		if err := cmdutil.WriteEnvFile(opts.ReadyFile, "DIALIN_STANDIN_URL="+url+"\n"); err != nil {
			return fmt.Errorf("--ready-file: %w", err)
		}
		defer os.Remove(opts.ReadyFile)
	}
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
