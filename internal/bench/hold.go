package bench

import (
	"context"
	"fmt"
	"os/exec"
	"time"
)

// botStarted selects the calls serve handed to their bot.
const botStarted = `dialin_serve_calls_total{outcome="bot_started"}`

// HoldResult is what `dialin bench --hold N` measures: serve's memory with N calls active at
// once, each with its bot process running.
type HoldResult struct {
	Calls      int     `json:"calls"`
	BotStarted int     `json:"bot_started"`
	Active     int     `json:"active"`
	RSSMB      float64 `json:"rss_mb"`
	PeakRSSMB  float64 `json:"peak_rss_mb"`
	Goroutines int     `json:"goroutines"`
	HeapMB     float64 `json:"heap_inuse_mb"`
	StacksMB   float64 `json:"stack_inuse_mb"`
	CPUSeconds float64 `json:"cpu_s"`
	RampS      float64 `json:"ramp_s"`
}

// Hold starts `dialin serve` (tokens local, a `sleep` process as every call's bot), places
// calls at once and waits until serve holds them all with their bots running, then reads its
// resident memory. Rooms are still created per call, at Daily's published rate, so the ramp
// takes about calls/18 seconds.
func Hold(ctx context.Context, cfg Config, calls int) (*Report, error) {
	if calls < 1 || calls > 5000 {
		return nil, fmt.Errorf("hold: must be between 1 and 5000 calls (got %d)", calls)
	}
	if cfg.Dialin == "" {
		return nil, fmt.Errorf("dialin executable: required")
	}
	cfg.absPaths()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		return nil, fmt.Errorf("hold: needs the sleep program as the bot: %w", err)
	}
	dir, cleanup, err := workDir(&cfg)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	e, err := startEmulator(cfg, time.Hour)
	if err != nil {
		return nil, err
	}
	defer e.close()
	l, err := launch(ctx, cfg, SystemServe, e, dir, quote(sleep)+" 3600", calls, nil)
	if err != nil {
		return nil, err
	}
	defer l.finish(cfg)
	if err := l.waitReady(ctx, cfg, cfg.ReadyTimeout); err != nil {
		return nil, err
	}
	before, err := l.usage()
	if err != nil {
		return nil, err
	}
	cfg.progress("hold: placing %d calls", calls)
	start := time.Now()
	if _, err := e.place(ctx, calls, 0, 0); err != nil {
		return nil, err
	}
	names := []string{"dialin_serve_active_calls", botStarted, "go_goroutines", "go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes"}
	deadline := start.Add(time.Duration(calls)*time.Second/15 + time.Minute)
	var m map[string]float64
	for {
		if m, err = l.scrape(names...); err == nil && m[botStarted] >= float64(calls) {
			break
		}
		if time.Now().After(deadline) || l.exited() {
			return nil, fmt.Errorf("hold: serve took %d of %d calls in %s: %s", int(m[botStarted]), calls, time.Since(start).Round(time.Second), l.tail())
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	ramp := time.Since(start)
	u, err := l.usage()
	if err != nil {
		return nil, err
	}
	res := &HoldResult{Calls: calls, BotStarted: int(m[botStarted]), Active: int(m["dialin_serve_active_calls"]),
		RSSMB: round2(u.RSSMB), PeakRSSMB: round2(u.PeakMB), Goroutines: int(m["go_goroutines"]),
		HeapMB: round2(m["go_memstats_heap_inuse_bytes"] / (1 << 20)), StacksMB: round2(m["go_memstats_stack_inuse_bytes"] / (1 << 20)),
		CPUSeconds: round2((u.CPU - before.CPU).Seconds()), RampS: round2(ramp.Seconds())}
	cfg.progress("hold: %d calls active, serve resident %.1f MB (peak %.1f MB)", res.Active, res.RSSMB, res.PeakRSSMB)
	rc := reportConfig(cfg)
	return &Report{Config: rc, Hold: res}, nil
}
