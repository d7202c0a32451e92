package launch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"
)

// The warm-bot contract (docs/warm-bots.md). A warm bot is started before its call with
// DIALIN_WARM=1 and no call in its arguments or environment. When it is ready for a call (its
// imports done) it prints WarmWaitingLine on stdout; serve then writes the call as one JSON
// line on its stdin (CallInfo.JSON) and closes stdin; the bot prints WarmAcceptedLine once it
// has read the line. A bot that does not say it waits within the start timeout, or does not
// acknowledge its call within the accept timeout, is killed and replaced, and the call goes
// to another warm bot or to a bot started for it.
const (
	WarmWaitingLine  = "dialin:waiting"
	WarmAcceptedLine = "dialin:accepted"
	WarmEnv          = "DIALIN_WARM"
)

// Defaults of a warm launcher.
const (
	DefaultWarmStartTimeout  = 2 * time.Minute
	DefaultWarmAcceptTimeout = time.Second
	DefaultWarmStartRate     = 20.0
	warmStartBurst           = 5
)

// WarmConfig configures a launcher that keeps bots started ahead.
type WarmConfig struct {
	// ProcessConfig is the bot's command and environment, as for a bot per call. The command
	// must not use placeholders: a warm bot starts before its call exists. Bots started for a
	// call when no warm bot waits (a cold start) get the full per-call contract.
	ProcessConfig
	// Warm is how many bots are kept started and not yet handed a call; with Auto, the most
	// kept (0: AutoWarmMax).
	Warm int
	// Auto sizes the warm bots by the rule's call rate (warmauto.go): one bot first, to find
	// out whether the command speaks the warm contract (if it fails before it waits, every
	// call gets a bot started for it); then enough bots for the calls of twice their start-up
	// time, at least AutoWarmFloor, the surplus killed when the rate falls.
	Auto bool
	// StartTimeout bounds the time from start to the waiting line; 0 means 2 min.
	StartTimeout time.Duration
	// AcceptTimeout bounds the time from writing the call to the accepted line; 0 means 1 s.
	AcceptTimeout time.Duration
	// StartRate bounds how many bots are started per second (in bursts of 5), so that
	// replacing the bots a burst of calls took does not take the CPU those calls need;
	// 0 means 20.
	StartRate float64
	// Rule names the rule in metrics and logs.
	Rule string
	// window is how far back an Auto rule measures its call rate; 0: autoWarmWindow (tests
	// shorten it).
	window time.Duration
	// Registerer receives the warm-bot metrics (dialin_serve_warm_bot_*); nil: none.
	Registerer prometheus.Registerer
}

// Warm hands each call to a bot that was started ahead and waits on its stdin, and starts a
// replacement in the background. With no bot waiting, it starts one for the call.
type Warm struct {
	cfg     WarmConfig
	cold    *Process
	program string
	argv    []string
	env     []string
	log     *slog.Logger
	m       *warmMetrics
	starts  *rate.Limiter

	mu       sync.Mutex
	idle     []*warmBot // waiting for a call, oldest first
	starting int        // started, not yet waiting
	live     map[*warmBot]bool
	failures int // bots in a row that died or hung before taking a call
	auto     autoSize
	lastFail time.Time
	closed   bool
	running  bool
	wake     chan struct{}
	stop     context.CancelFunc
	keeper   sync.WaitGroup
}

// NewWarm checks the command (no placeholders) and resolves the program once.
func NewWarm(cfg WarmConfig) (*Warm, error) {
	if cfg.Warm < 0 {
		return nil, fmt.Errorf("warm bots: must be 0 or more (got %d)", cfg.Warm)
	}
	cold, err := NewProcess(cfg.ProcessConfig)
	if err != nil {
		return nil, err
	}
	for _, name := range Placeholders {
		if cold.tmpl.Uses(name) {
			return nil, fmt.Errorf("a warm bot starts before its call and reads the call from stdin, so its command cannot use {%s}", name)
		}
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = DefaultWarmStartTimeout
	}
	if cfg.AcceptTimeout <= 0 {
		cfg.AcceptTimeout = DefaultWarmAcceptTimeout
	}
	if cfg.StartRate <= 0 {
		cfg.StartRate = DefaultWarmStartRate
	}
	w := &Warm{cfg: cfg, cold: cold, program: cold.program, argv: cold.tmpl.Expand(CallInfo{}), log: cold.log,
		live: map[*warmBot]bool{}, wake: make(chan struct{}, 1), starts: rate.NewLimiter(rate.Limit(cfg.StartRate), warmStartBurst)}
	w.env = append(append([]string(nil), cold.base...), WarmEnv+"=1")
	if cfg.Patch != "" {
		w.env = append(w.env, "DIALIN_PATCH="+cfg.Patch)
	}
	if cfg.APIURL != "" {
		w.env = append(w.env, "DAILY_API_URL="+cfg.APIURL)
	}
	if cfg.APIKey != "" {
		w.env = append(w.env, "DAILY_API_KEY="+cfg.APIKey)
	}
	if w.m, err = newWarmMetrics(cfg.Registerer, cfg.Rule); err != nil {
		return nil, err
	}
	return w, nil
}

// Start starts the warm bots and keeps their number up until Close. It does not wait for
// them to be ready.
func (w *Warm) Start(context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running || w.closed || (w.cfg.Warm == 0 && !w.cfg.Auto) {
		return nil
	}
	w.running = true
	ctx, cancel := context.WithCancel(context.Background())
	w.stop = cancel
	w.keeper.Add(1)
	go w.keep(ctx)
	return nil
}

// Waiting reports how many bots wait for a call now.
func (w *Warm) Waiting() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.idle)
}

// maxHandAttempts bounds the warm bots one call tries before a bot is started for it, so
// that bots which never acknowledge cannot hold a call for long.
const maxHandAttempts = 2

// Launch hands the call to the bot that has waited longest. A bot that turns out dead, or
// does not acknowledge the call in time, is killed (so it can never run the call) and the
// next one is tried, twice at most; then a bot is started for the call.
func (w *Warm) Launch(ctx context.Context, call CallInfo) (*Bot, error) {
	w.mu.Lock()
	w.callArrivedLocked(time.Now())
	w.mu.Unlock()
	for range maxHandAttempts {
		b := w.take()
		if b == nil {
			break
		}
		bot, err := b.hand(ctx, call, w.cfg.AcceptTimeout)
		if err == nil {
			w.m.hits.Inc()
			return bot, nil
		}
		if ctx.Err() != nil { // the call was given up; the bot was killed with it
			return nil, ctx.Err()
		}
		w.botFailed(b, err)
	}
	w.m.misses.Inc()
	return w.cold.Launch(ctx, call)
}

// take removes the oldest waiting bot from the pool and asks for its replacement.
func (w *Warm) take() *warmBot {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.idle) > 0 {
		b := w.idle[0]
		w.idle = w.idle[1:]
		w.m.waiting.Set(float64(len(w.idle)))
		if b.state != botIdle { // died a moment ago; its watcher has counted it
			continue
		}
		b.state = botHanded
		delete(w.live, b)
		w.m.used.Inc()
		w.poke()
		return b
	}
	return nil
}

// botFailed records a bot that could not take its call: it was killed by hand.
func (w *Warm) botFailed(b *warmBot, err error) {
	reason := "died"
	if errors.Is(err, errHung) {
		reason = "hung_accept"
	}
	w.m.failed.WithLabelValues(reason).Inc()
	w.mu.Lock()
	w.failLocked()
	w.mu.Unlock()
	w.log.Warn("warm bot could not take the call; trying another", "rule", w.cfg.Rule, "pid", b.pid, "reason", err.Error())
}

// Close stops starting bots and kills every bot that was not handed a call; bots running a
// call are left alone.
func (w *Warm) Close() error {
	w.mu.Lock()
	w.closed = true
	if w.stop != nil {
		w.stop()
	}
	var bots []*warmBot
	for b := range w.live {
		bots = append(bots, b)
		b.state = botDead
	}
	w.live, w.idle, w.starting = map[*warmBot]bool{}, nil, 0
	w.m.waiting.Set(0)
	w.m.starting.Set(0)
	w.mu.Unlock()
	w.keeper.Wait()
	for _, b := range bots {
		b.kill()
	}
	deadline := time.After(5 * time.Second)
	for _, b := range bots {
		select {
		case <-b.done:
		case <-deadline:
			return errors.New("warm bots did not exit within 5 s of being killed")
		}
	}
	return nil
}
