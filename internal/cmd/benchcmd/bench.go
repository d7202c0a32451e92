// Package bench implements `dialin bench`: the hold-time benchmark of `dialin serve` (in its
// default mode, and with warm rooms, local tokens and warm bots) against the Python bot
// runner, on loopback against the emulator. The engine is internal/bench.
package benchcmd

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/bench"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
)

// EnvSeedRunner names the Python bot runner when --seed-runner is not given.
const EnvSeedRunner = "DIALIN_SEED_RUNNER"

// Options are the inputs of `dialin bench`.
type Options struct {
	IO       *iostreams.IOStreams
	Exporter cmdutil.Exporter
	Config   bench.Config
	Hold     int
	Systems  []string
	KeepLogs bool
}

// NewCmdBench builds `bench`; runF replaces the run function in tests.
func NewCmdBench(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	def := bench.Defaults()
	var quick bool
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure hold time: serve, serve with warm rooms and bots, a Python bot runner, serve before Pipecat's runner",
		Long: "Run the same call load through each system, one after the other, each against its own\n" +
			"emulator with --latency added to every Daily request, with the same stand-in bot (a real\n" +
			"`dialin standin-bot` process, or the runner stand-in's in-process bot, that starts in\n" +
			"--bot-startup, joins the room and patches the call):\n\n" +
			"  serve        dialin serve with its default flags: tokens signed locally, warm rooms and, the\n" +
			"               bot reading its call from stdin, warm bots, both sized by the call rate (auto)\n" +
			"  serve-rest   dialin serve --tokens rest --warm-rooms 0, the old default: a room and a token\n" +
			"               over REST per call while the caller waits, a bot per call\n" +
			"  serve-warm   dialin serve --tokens local --warm-rooms N --warm-bots M (the bot reads stdin)\n" +
			"  seed-runner  the FastAPI bot runner of Pipecat's 2024 dial-in example, built into dialin (needs /usr/bin/python3 with python3-fastapi,\n" +
			"               python3-uvicorn, python3-aiohttp; reported unavailable without them)\n" +
			"  serve-pipecat   dialin serve --bot-pipecat to the stand-in for Pipecat's runner's /start\n" +
			"                  (the runner is a helper: its CPU and memory are not counted)\n" +
			"  pipecat-runner  the stand-in for Pipecat's runner alone, the number routed to its\n" +
			"                  /daily-dialin-webhook\n\n" +
			"The load is a steady phase (--rate calls per second for --steady, right after --warmup at the\n" +
			"same rate, reported on its own) and a burst of --burst calls at once. With the emulator's\n" +
			"limits off (no --daily-limits) the serve systems are told Daily raised the domain's limit to\n" +
			"100 requests per second (--daily-rate-limit); with them, Daily's published 20. From each call's timeline: handoff (webhook received to bot handed the call) and\n" +
			"connected (received to the caller connected) at p50, p95, p99 and max; calls refused (the\n" +
			"webhook answered non-2xx, with the p99 of that answer's time) and lost (left on hold); Daily\n" +
			"requests per call; the system's CPU seconds and peak resident memory. Then the ratios of\n" +
			"serve, serve-rest and serve-warm to seed-runner, and of serve-pipecat to pipecat-runner.\n" +
			"--quick is a short run (about a minute per system).\n\n" +
			"--replicas N --state redis://… runs serve, serve-rest and serve-warm as N serve processes\n" +
			"sharing that Redis, behind a round-robin balancer on loopback; the report adds each\n" +
			"system's Redis round trips per call. It fails at once if Redis does not answer.\n\n" +
			"--cpu-profile writes a Go CPU profile of each serve process's run (go tool pprof -top FILE),\n" +
			"to see where serve's own share of a call goes; the paths are printed when each system stops.\n\n" +
			"--hold N measures something else: serve's resident memory while it holds N calls at once,\n" +
			"each with a running bot process. See docs/benchmarks.md.",
		Example: "  dialin bench --quick\n" +
			"  dialin bench --json > bench.json\n" +
			"  dialin bench --systems serve-warm --rate 50 --burst 200 --warm-rooms 200 --warm-bots 210\n" +
			"  dialin bench --quick --systems serve-pipecat,pipecat-runner\n" +
			"  dialin bench --hold 1000\n" +
			"  dialin bench --quick --replicas 2 --state redis://127.0.0.1:6379/0",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg := def
			if quick {
				cfg = bench.QuickDefaults()
			}
			if err := applyFlags(c, &cfg, opts); err != nil {
				return err
			}
			opts.Config = cfg
			if runF != nil {
				return runF(opts)
			}
			return run(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&quick, "quick", false, "A short run: 3 s steady, a burst of 30 (under a minute in all)")
	fl.StringVar(&def.SeedRunner, "seed-runner", "", "The Python bot runner `FILE` of the seed-runner system (default: $"+EnvSeedRunner+", else the one built into dialin)")
	fl.StringVar(&def.Python, "python", def.Python, "Python interpreter for the seed-runner system")
	fl.DurationVar(&def.Latency, "latency", def.Latency, "Added to every Daily request (a real round trip)")
	fl.DurationVar(&def.BotStartup, "bot-startup", def.BotStartup, "The bot's start-up time (a Python bot's imports)")
	fl.DurationVar(&def.ReadyDelay, "ready-delay", def.ReadyDelay, "From the bot joining to the room's SIP endpoint ready")
	fl.DurationVar(&def.HoldTimeout, "hold-timeout", def.HoldTimeout, "A call not connected by then is lost")
	fl.DurationVar(&def.TalkTime, "talk-time", def.TalkTime, "How long the bot stays in a connected call")
	fl.Float64Var(&def.Rate, "rate", def.Rate, "Calls per second in the steady phase")
	fl.DurationVar(&def.Steady, "steady", def.Steady, "Length of the steady phase (0: none)")
	fl.DurationVar(&def.Warmup, "warmup", def.Warmup, "Calls at the steady rate right before the steady phase, reported as a phase of their own (serve's pools and warm bots grow to the rate)")
	fl.IntVar(&def.Burst, "burst", def.Burst, "Calls placed at once in the burst phase (0: none)")
	fl.IntVar(&def.WarmRooms, "warm-rooms", def.WarmRooms, "serve-warm's --warm-rooms")
	fl.IntVar(&def.WarmBots, "warm-bots", def.WarmBots, "serve-warm's --warm-bots")
	fl.Float64Var(&def.PoolRefill, "pool-refill", def.PoolRefill, "serve-warm's --pool-refill")
	fl.BoolVar(&def.DailyLimits, "daily-limits", false, "Emulate Daily's published rate limits (default off: the load needs raised limits)")
	fl.StringSliceVar(&opts.Systems, "systems", bench.AllSystems, "Systems to run: "+strings.Join(bench.AllSystems, ", "))
	fl.IntVar(&def.Replicas, "replicas", def.Replicas, "Run serve, serve-rest and serve-warm as `N` serve processes behind a round-robin balancer (more than one needs --state)")
	fl.StringVar(&def.State, "state", "memory", "serve's --state: memory, or a `URL` redis://HOST:PORT/DB the replicas share (password: DIALIN_REDIS_PASSWORD)")
	fl.IntVar(&opts.Hold, "hold", 0, "Instead: measure serve's memory holding `N` calls at once")
	fl.BoolVar(&opts.KeepLogs, "keep-logs", false, "Keep the systems' logs (their directory is printed)")
	fl.BoolVar(&def.CPUProfile, "cpu-profile", false, "Run each serve with --cpu-profile into the logs' directory (kept, printed): SYSTEM.cpu.pprof, SYSTEM-N.cpu.pprof for replicas; read one with go tool pprof -top FILE")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

// applyFlags copies the flags given over cfg (so --quick changes only what was not given)
// and checks the result.
func applyFlags(c *cobra.Command, cfg *bench.Config, opts *Options) error {
	fl := c.Flags()
	set := func(name string, apply func()) {
		if fl.Changed(name) {
			apply()
		}
	}
	get := func(name string) string { return fl.Lookup(name).Value.String() }
	dur := func(name string, dst *time.Duration) { set(name, func() { *dst, _ = time.ParseDuration(get(name)) }) }
	dur("latency", &cfg.Latency)
	dur("bot-startup", &cfg.BotStartup)
	dur("ready-delay", &cfg.ReadyDelay)
	dur("hold-timeout", &cfg.HoldTimeout)
	dur("talk-time", &cfg.TalkTime)
	dur("steady", &cfg.Steady)
	dur("warmup", &cfg.Warmup)
	set("rate", func() { cfg.Rate, _ = fl.GetFloat64("rate") })
	set("pool-refill", func() { cfg.PoolRefill, _ = fl.GetFloat64("pool-refill") })
	set("burst", func() { cfg.Burst, _ = fl.GetInt("burst") })
	set("warm-rooms", func() { cfg.WarmRooms, _ = fl.GetInt("warm-rooms") })
	set("warm-bots", func() { cfg.WarmBots, _ = fl.GetInt("warm-bots") })
	set("replicas", func() { cfg.Replicas, _ = fl.GetInt("replicas") })
	cfg.State, _ = fl.GetString("state")
	if cfg.State != "memory" {
		if _, err := redisstate.ParseURL(cfg.State, func(string) string { return "" }); err != nil {
			return cmdutil.FlagErrorf("%v", err)
		}
	}
	cfg.Python, _ = fl.GetString("python")
	cfg.DailyLimits, _ = fl.GetBool("daily-limits")
	cfg.SeedRunner, _ = fl.GetString("seed-runner")
	if cfg.SeedRunner == "" {
		cfg.SeedRunner = os.Getenv(EnvSeedRunner) // else the embedded one (bench.Run)
	}
	cfg.Systems = opts.Systems
	cfg.KeepWorkDir = opts.KeepLogs
	cfg.CPUProfile, _ = fl.GetBool("cpu-profile")
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cfg.Dialin = exe
	if opts.Hold < 0 || opts.Hold > 5000 {
		return cmdutil.FlagErrorf("--hold: must be between 1 and 5000 calls (got %d)", opts.Hold)
	}
	if err := cfg.Check(); err != nil {
		return cmdutil.FlagErrorf("%s", flagName(err.Error()))
	}
	if cfg.WarmRooms < 0 || cfg.WarmRooms > 1000 || cfg.WarmBots < 0 || cfg.WarmBots > 500 {
		return cmdutil.FlagErrorf("--warm-rooms, --warm-bots: must be between 0 and 1000, and between 0 and 500")
	}
	return nil
}

// flagName spells the engine's "steady, burst: …" as the flags are: "--steady, --burst: …"
// (the engine names settings like the flags, with blanks for dashes).
func flagName(msg string) string {
	field, rest, _ := strings.Cut(msg, ":")
	names := strings.Split(field, ", ")
	for i, n := range names {
		names[i] = "--" + strings.ReplaceAll(strings.ReplaceAll(n, "bot start-up", "bot-startup"), " ", "-")
	}
	return strings.Join(names, ", ") + ":" + rest
}

func run(ctx context.Context, opts *Options) error {
	cfg := opts.Config
	cfg.Progress = func(line string) { fmt.Fprintln(opts.IO.ErrOut, "bench: "+line) }
	redis.SetLogger(quietRedis{}) // a Redis that does not answer is reported once, as the error
	var (
		rep *bench.Report
		err error
	)
	if opts.Hold > 0 {
		rep, err = bench.Hold(ctx, cfg, opts.Hold)
	} else {
		rep, err = bench.Run(ctx, cfg)
	}
	if err != nil {
		return err
	}
	if opts.Exporter != nil {
		if rep.Hold != nil {
			return opts.Exporter.Write(opts.IO, map[string]any{"config": rep.Config, "hold": rep.Hold})
		}
		return opts.Exporter.Write(opts.IO, rep)
	}
	return render(opts.IO, rep)
}

// quietRedis drops go-redis's own log lines (failed dials, pool notes).
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}
