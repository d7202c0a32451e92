package bench

import (
	"github.com/dialin-project/dialin/internal/bench/pyrunner"

	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Run runs the benchmark: every system of cfg in turn, each against its own emulator.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	cfg.absPaths()
	dir, cleanup, err := workDir(&cfg)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if cfg.SeedRunner == "" && slices.Contains(cfg.Systems, SystemSeed) {
		if cfg.SeedRunner, err = pyrunner.Write(dir); err != nil {
			return nil, err
		}
	}
	st, err := openState(ctx, cfg.State)
	if err != nil {
		return nil, err
	}
	defer st.close()
	rep := &Report{Config: reportConfig(cfg)}
	if st != nil || cfg.Replicas > 1 {
		rep.Config.Replicas = max(cfg.Replicas, 1)
	}
	if st != nil {
		rep.Config.State = st.redacted
	}
	for _, name := range AllSystems {
		if !slices.Contains(cfg.Systems, name) {
			continue
		}
		if name == SystemSeed {
			if why := seedUnavailable(cfg); why != "" {
				if rep.Config.Unavailable == nil {
					rep.Config.Unavailable = map[string]string{}
				}
				rep.Config.Unavailable[name] = why
				cfg.progress("%s: unavailable: %s", name, why)
				continue
			}
		}
		sys, phases, err := runSystem(ctx, cfg, name, dir, st)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		rep.Systems = append(rep.Systems, sys)
		rep.Phases = append(rep.Phases, phases...)
	}
	return rep, nil
}

// absPaths makes the programs' paths absolute: the systems run in the work directory.
func (cfg *Config) absPaths() {
	for _, p := range []*string{&cfg.Dialin, &cfg.SeedRunner} {
		if *p != "" && strings.ContainsRune(*p, '/') {
			if abs, err := filepath.Abs(*p); err == nil {
				*p = abs
			}
		}
	}
}

func reportConfig(cfg Config) ReportConfig {
	return ReportConfig{
		LatencyMS: ms(cfg.Latency), BotStartupMS: ms(cfg.BotStartup), ReadyDelayMS: ms(cfg.ReadyDelay),
		HoldTimeoutS: cfg.HoldTimeout.Seconds(), SteadyRate: cfg.Rate, SteadyS: cfg.Steady.Seconds(), WarmupS: cfg.Warmup.Seconds(), Burst: cfg.Burst,
		DailyRateLimit: cfg.dailyRateLimit(),
		WarmRooms:      cfg.WarmRooms, WarmBots: cfg.WarmBots, DailyLimits: cfg.DailyLimits, Quick: cfg.Quick,
		CPUs: runtime.NumCPU(), GoVersion: runtime.Version(),
	}
}

func (cfg Config) progress(format string, a ...any) {
	if cfg.Progress != nil {
		cfg.Progress(fmt.Sprintf(format, a...))
	}
}

// workDir is where the systems' logs go; a temporary one is removed afterwards unless kept.
func workDir(cfg *Config) (string, func(), error) {
	if cfg.WorkDir != "" {
		return cfg.WorkDir, func() {}, os.MkdirAll(cfg.WorkDir, 0o700)
	}
	dir, err := os.MkdirTemp("", "dialin-bench-")
	if err != nil {
		return "", nil, err
	}
	if cfg.KeepWorkDir || cfg.CPUProfile {
		cfg.progress("logs in %s", dir)
		return dir, func() {}, nil
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// runSystem measures one system: start it, steady phase, burst phase, figures.
func runSystem(ctx context.Context, cfg Config, name, dir string, st *benchState) (System, []Phase, error) {
	e, err := startEmulator(cfg, cfg.HoldTimeout)
	if err != nil {
		return System{}, nil, err
	}
	defer e.close()
	cfg.progress("%s: starting", name)
	l, err := launch(ctx, cfg, name, e, dir, "", 0, st)
	if err != nil {
		return System{}, nil, err
	}
	defer l.finish(cfg)
	if err := l.waitReady(ctx, cfg, cfg.ReadyTimeout); err != nil {
		return System{}, nil, err
	}
	e.s.ResetRequests()
	before, err := l.usage()
	if err != nil {
		return System{}, nil, err
	}
	var tripsBefore map[string]float64
	if st != nil && isServe(name) {
		tripsBefore, _ = l.scrape(stateTrips)
	}
	var all []callResult
	var ids []string
	// phase places n calls; the first warm of them (placed right before, at the same pace)
	// are reported as the warmup phase.
	phase := func(pname string, n, warm int, interval time.Duration) error {
		if n == 0 {
			return nil
		}
		if name == SystemWarm {
			l.waitPools(ctx, cfg) // each phase starts with full pools, as it would after a lull
		}
		// serve's auto pool is left as the calls before made it: it follows the call rate.
		if warm > 0 {
			cfg.progress("%s: warmup: %d calls, then %s: %d calls", name, warm, pname, n)
		} else {
			cfg.progress("%s: %s: %d calls", name, pname, n)
		}
		placed, err := e.place(ctx, warm+n, interval, len(ids))
		if err != nil {
			return err
		}
		ids = append(ids, placed...)
		if err := e.settle(ctx, placed, time.Now().Add(cfg.HoldTimeout+cfg.SettleExtra)); err != nil {
			return err
		}
		all = append(all, e.results("warmup", placed[:warm])...)
		all = append(all, e.results(pname, placed[warm:])...)
		return nil
	}
	steadyCalls := int(cfg.Rate * cfg.Steady.Seconds())
	warmupCalls := 0
	if steadyCalls > 0 {
		warmupCalls = int(cfg.Rate * cfg.Warmup.Seconds())
	}
	if err := phase("steady", steadyCalls, warmupCalls, time.Duration(float64(time.Second)/cfg.Rate)); err != nil {
		return System{}, nil, err
	}
	if err := phase("burst", cfg.Burst, 0, 0); err != nil {
		return System{}, nil, err
	}
	if name == SystemWarm {
		l.waitPools(ctx, cfg) // the refills the calls caused are part of their cost
	}
	after, err := l.usage()
	if err != nil {
		return System{}, nil, fmt.Errorf("%s ended during the run: %s", name, l.tail())
	}
	sys := System{Name: name, CPUSeconds: round2((after.CPU - before.CPU).Seconds()), PeakRSSMB: round2(after.PeakMB)}
	sys.Calls, sys.Connected, sys.Lost, sys.HandoffMS, sys.ConnectedMS = summarize(all)
	sys.Refused, sys.RefusalMS = refusals(all)
	sys.DailyRequestsPerCall, sys.CriticalRequestsPerCall = l.requestsPerCall(e, len(all))
	var shares map[string]time.Duration
	if isServe(name) {
		shares = l.serveShares()
		sys.ServeMS = serveQuantiles(all, shares)
		if st != nil || len(l.procs) > 1 {
			sys.Replicas = len(l.procs)
		}
		if m, err := l.scrape(stateTrips, botStarted); err == nil {
			sys.BotsStarted = int(m[botStarted])
			if st != nil && len(all) > 0 {
				sys.StateRoundTripsPerCall = round2((m[stateTrips] - tripsBefore[stateTrips]) / float64(len(all)))
			}
		}
	}
	var phases []Phase
	for _, pname := range []string{"warmup", "steady", "burst"} {
		var rs []callResult
		for _, r := range all {
			if r.phase == pname {
				rs = append(rs, r)
			}
		}
		if len(rs) > 0 {
			p := Phase{System: name, Name: pname}
			p.Calls, p.Connected, p.Lost, p.HandoffMS, p.ConnectedMS = summarize(rs)
			p.ServeMS = serveQuantiles(rs, shares)
			if p.Refused, p.RefusalMS = refusals(rs); p.Refused > 0 {
				if sys.RefusedByPhase == nil {
					sys.RefusedByPhase = map[string]int{}
				}
				sys.RefusedByPhase[pname] = p.Refused
			}
			phases = append(phases, p)
		}
	}
	cfg.progress("%s: %d calls, %d connected, %d refused, %d lost", name, sys.Calls, sys.Connected, sys.Refused, sys.Lost)
	return sys, phases, nil
}

// stateTrips counts a serve's requests to the shared state's Redis.
const stateTrips = "dialin_serve_state_round_trips_total"

// poolPoll is how often the bench reads serve's /metrics while it waits for full pools. Each
// read costs serve a scrape (its process collector reads /proc, the answer is gzipped), which
// counts in serve's cpu s when it waits after a phase: CPU profiles showed reads every 50 ms
// as the largest item of a burst-only run.
const poolPoll = 250 * time.Millisecond

// waitPools waits (at most a minute) until serve-warm's pools are full again.
func (l *launched) waitPools(ctx context.Context, cfg Config) {
	deadline := time.Now().Add(time.Minute)
	for !l.poolsFull(cfg) && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(poolPoll)
	}
}

// requestsPerCall counts the Daily requests of the run per call, and those on the critical
// path: the rooms and tokens made between a call's webhook and its bot. A pooled room is
// made ahead, so for serve-warm and serve (its auto pool) only the pool's misses (rooms made
// on demand) count.
func (l *launched) requestsPerCall(e *emu, calls int) (all, critical float64) {
	if calls == 0 {
		return 0, 0
	}
	reqs := e.s.Requests()
	rooms, tokens := 0, 0
	for _, r := range reqs {
		switch {
		case r.Method == "POST" && r.Path == "/rooms":
			rooms++
		case r.Method == "POST" && r.Path == "/meeting-tokens":
			tokens++
		}
	}
	if l.name == SystemWarm || l.name == SystemServe {
		m, err := l.scrape("dialin_serve_room_pool_misses_total")
		if err == nil {
			rooms = int(m["dialin_serve_room_pool_misses_total"])
		}
	}
	return round2(float64(len(reqs)) / float64(calls)), round2(float64(rooms+tokens) / float64(calls))
}
