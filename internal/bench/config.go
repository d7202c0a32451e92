package bench

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// System names, fixed so that scripts can compare runs.
const (
	SystemSeed = "seed-runner"
	// SystemServe is `dialin serve` with its default flags (tokens signed locally, an auto
	// room pool); SystemServeREST its old mode, --tokens rest --warm-rooms 0.
	SystemServe     = "serve"
	SystemServeREST = "serve-rest"
	SystemWarm      = "serve-warm"
	// SystemServePipecat is serve --bot-pipecat in front of the runner stand-in;
	// SystemPipecatRunner the runner stand-in's own /daily-dialin-webhook, alone.
	SystemServePipecat  = "serve-pipecat"
	SystemPipecatRunner = "pipecat-runner"
)

// AllSystems lists the systems in the order they run and are reported.
var AllSystems = []string{SystemServe, SystemServeREST, SystemWarm, SystemSeed, SystemServePipecat, SystemPipecatRunner}

// MaxReplicas bounds Config.Replicas.
const MaxReplicas = 16

// Config is one benchmark run.
type Config struct {
	// Dialin is the dialin executable: it runs `serve`, `standin-bot` and
	// `standin-pipecat-runner`.
	Dialin string
	// SeedRunner is seed_bot_runner.py; Python the interpreter that runs it.
	SeedRunner, Python string

	Latency     time.Duration // added to every Daily request
	BotStartup  time.Duration // the stand-in bot's start-up (a Python bot's imports)
	ReadyDelay  time.Duration // from the bot joining to the room's SIP endpoint ready
	HoldTimeout time.Duration // a call not connected by then is lost
	TalkTime    time.Duration // how long the bot stays in a connected call
	Rate        float64       // calls per second in the steady phase
	Steady      time.Duration // length of the steady phase
	// Warmup is placed at the steady rate right before the steady phase, with no gap, and
	// reported as a phase of its own: what serve's pools and warm bots, which follow the call
	// rate, do while they grow to it. The steady phase is then the steady state.
	Warmup       time.Duration
	Burst        int           // calls placed at once in the burst phase
	WarmRooms    int           // serve-warm's --warm-rooms
	WarmBots     int           // serve-warm's --warm-bots
	PoolRefill   float64       // serve-warm's --pool-refill
	DailyLimits  bool          // emulate Daily's rate limits (off: limits raised for this load)
	Systems      []string      // which systems to run, in AllSystems order
	Quick        bool          // recorded in the report
	WorkDir      string        // logs and config files; "" makes a temporary one
	Progress     func(string)  // one line per step, for a person watching; nil: silent
	KeepWorkDir  bool          // keep WorkDir's logs after the run
	CPUProfile   bool          // each serve with --cpu-profile WorkDir/<its log's name>.cpu.pprof; keeps WorkDir
	SettleExtra  time.Duration // extra time to wait for calls beyond the hold timeout
	ReadyTimeout time.Duration // how long a system may take to start (and fill its pools)
	// Replicas is how many `dialin serve` processes run serve and serve-warm, behind a
	// round-robin balancer on loopback (1: one serve, no balancer); State is their --state
	// (""/memory, or a redis:// URL they share, required for more than one). serve-warm's
	// warm bots are divided among the replicas; its room pool is the one they share.
	Replicas int
	State    string
}

// RaisedDailyRateLimit is the requests per second the serve systems are told Daily allows
// (--daily-rate-limit) when the emulator enforces no limit: a domain whose limits Daily
// raised for this load (5 × the published 20), as a customer at 20 calls per second would ask.
const RaisedDailyRateLimit = 100.0

// admissionMargin is the serve systems' --admission-margin: what a user sets for this bot, its
// time from being handed a call to the caller connected (its start-up, the SIP endpoint's
// ready delay, its join and patch requests), and half a second to spare.
func (c Config) admissionMargin() time.Duration {
	m := c.BotStartup + c.ReadyDelay + 2*c.Latency + 500*time.Millisecond
	// serve takes a margin under its hold only; past half of it, the bot is too slow anyway.
	return max(min(m, c.HoldTimeout/2), 100*time.Millisecond).Round(time.Millisecond)
}

// dailyRateLimit is what the serve systems are told Daily allows.
func (c Config) dailyRateLimit() float64 {
	if c.DailyLimits {
		return 20
	}
	return RaisedDailyRateLimit
}

// Defaults of a full run, sized to finish in a few minutes on a 2-core machine.
func Defaults() Config {
	return Config{
		Python: "/usr/bin/python3", Latency: 50 * time.Millisecond, BotStartup: 1500 * time.Millisecond,
		ReadyDelay: 200 * time.Millisecond, HoldTimeout: 30 * time.Second, TalkTime: 500 * time.Millisecond,
		Rate: 20, Steady: 10 * time.Second, Warmup: 5 * time.Second, Burst: 100, WarmRooms: 100, WarmBots: 110, PoolRefill: 20,
		Systems: AllSystems, SettleExtra: 10 * time.Second, ReadyTimeout: 90 * time.Second, Replicas: 1,
	}
}

// QuickDefaults is a short run (well under a minute in all).
func QuickDefaults() Config {
	c := Defaults()
	c.Steady, c.Warmup, c.Burst, c.WarmRooms, c.WarmBots, c.Quick = 3*time.Second, 2*time.Second, 30, 30, 40, true
	c.HoldTimeout, c.SettleExtra = 20*time.Second, 5*time.Second
	return c
}

// Check reports the first setting out of range, naming it.
func (c *Config) Check() error {
	switch {
	case c.Dialin == "":
		return errors.New("dialin executable: required")
	case c.Latency < 0 || c.Latency > 5*time.Second:
		return fmt.Errorf("latency: must be between 0 and 5s (got %s)", c.Latency)
	case c.BotStartup < 0 || c.BotStartup > time.Minute:
		return fmt.Errorf("bot start-up: must be between 0 and 1m (got %s)", c.BotStartup)
	case c.Rate <= 0 || c.Rate > 200:
		return fmt.Errorf("rate: must be above 0 and at most 200 calls per second (got %g)", c.Rate)
	case c.Steady < 0 || c.Steady > 10*time.Minute:
		return fmt.Errorf("steady: must be between 0 and 10m (got %s)", c.Steady)
	case c.Warmup < 0 || c.Warmup > 10*time.Minute:
		return fmt.Errorf("warmup: must be between 0 and 10m (got %s)", c.Warmup)
	case c.Burst < 0 || c.Burst > 1000:
		return fmt.Errorf("burst: must be between 0 and 1000 calls (got %d)", c.Burst)
	case c.Steady == 0 && c.Burst == 0:
		return errors.New("steady, burst: at least one phase needs calls")
	case c.HoldTimeout < 5*time.Second:
		return fmt.Errorf("hold timeout: must be at least 5s (got %s)", c.HoldTimeout)
	case len(c.Systems) == 0:
		return errors.New("systems: at least one")
	case c.Replicas < 1 || c.Replicas > MaxReplicas:
		return fmt.Errorf("replicas: must be between 1 and %d (got %d)", MaxReplicas, c.Replicas)
	case c.Replicas > 1 && (c.State == "" || c.State == "memory"):
		return errors.New("replicas: more than one needs a shared state: give --state redis://HOST:PORT/DB")
	}
	for _, s := range c.Systems {
		if !slices.Contains(AllSystems, s) {
			return fmt.Errorf("systems: %q is not one of %s", s, strings.Join(AllSystems, ", "))
		}
	}
	return nil
}
