package bench

import (
	"math"
	"slices"
	"time"
)

// Report is the result of a run. Its JSON form is the documented schema of
// `dialin bench --json`: {"config": {…}, "systems": [{…}, …]}.
type Report struct {
	Config  ReportConfig `json:"config"`
	Systems []System     `json:"systems"`
	// Phases breaks each system's figures down by phase (steady, burst), for the table.
	Phases []Phase `json:"-"`
	// Hold is the result of a hold run (Hold), for the table.
	Hold *HoldResult `json:"-"`
}

// ReportConfig says what was measured and how.
type ReportConfig struct {
	LatencyMS    float64 `json:"latency_ms"`
	BotStartupMS float64 `json:"bot_startup_ms"`
	ReadyDelayMS float64 `json:"ready_delay_ms"`
	HoldTimeoutS float64 `json:"hold_timeout_s"`
	SteadyRate   float64 `json:"steady_rate"`
	SteadyS      float64 `json:"steady_s"`
	WarmupS      float64 `json:"warmup_s"`
	// DailyRateLimit is the serve systems' --daily-rate-limit: Daily's published 20, or the
	// raised limit a load above it needs (when the emulator's limits are off).
	DailyRateLimit float64 `json:"daily_rate_limit"`
	Burst          int     `json:"burst"`
	WarmRooms      int     `json:"warm_rooms"`
	WarmBots       int     `json:"warm_bots"`
	DailyLimits    bool    `json:"daily_rate_limits"`
	Quick          bool    `json:"quick"`
	CPUs           int     `json:"cpus"`
	GoVersion      string  `json:"go_version"`
	// Replicas is how many `dialin serve` processes ran serve and serve-warm (--replicas),
	// and State the Redis they shared (--state, without user information); both are left
	// out of a run of one serve with its state in memory.
	Replicas int    `json:"replicas,omitempty"`
	State    string `json:"state,omitempty"`
	// Unavailable names systems that could not run, with the reason (a missing Python
	// package, a missing seed runner); they are left out of systems.
	Unavailable map[string]string `json:"unavailable,omitempty"`
}

// System is one system's figures over all its calls.
type System struct {
	Name                 string    `json:"name"`
	Calls                int       `json:"calls"`
	Connected            int       `json:"connected"`
	Lost                 int       `json:"lost"`
	HandoffMS            Quantiles `json:"handoff_ms"`
	ConnectedMS          Quantiles `json:"connected_ms"`
	DailyRequestsPerCall float64   `json:"daily_requests_per_call"`
	// Refused counts the calls whose webhook was answered with a non-2xx (serve's admission
	// control: over Daily's request budget), RefusedByPhase per phase, and RefusalMS the
	// time from the call's arrival to that answer. A refused call is neither connected nor
	// lost. All three are left out when no call was refused.
	Refused        int            `json:"refused,omitempty"`
	RefusedByPhase map[string]int `json:"refused_by_phase,omitempty"`
	RefusalMS      *Quantiles     `json:"refusal_ms,omitempty"`
	CPUSeconds     float64        `json:"cpu_s"`
	PeakRSSMB      float64        `json:"peak_rss_mb"`
	// Replicas is how many processes ran the system (cpu_s and peak_rss_mb are their sums),
	// and StateRoundTripsPerCall the requests they sent to the shared state's Redis over the
	// run (dialin_serve_state_round_trips_total, including the refills and the background
	// renewals), per call. Both only with --replicas or --state.
	Replicas               int     `json:"replicas,omitempty"`
	StateRoundTripsPerCall float64 `json:"state_round_trips_per_call,omitempty"`

	// CriticalRequestsPerCall counts the Daily requests made between a call's webhook and
	// its bot (rooms and tokens); table only.
	CriticalRequestsPerCall float64 `json:"-"`
	// ServeMS is serve's own share of the handoff (serveShares); table only, serve only.
	ServeMS *Quantiles `json:"-"`
	// BotsStarted is how many bots serve started (dialin_serve_calls_total{outcome=
	// "bot_started"}, summed over the replicas): one per call when no call was handled twice.
	BotsStarted int `json:"-"`
}

// Quantiles of a set of durations, in milliseconds.
type Quantiles struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Phase is one system's figures in one phase.
type Phase struct {
	System, Name string
	Calls        int
	Connected    int
	Lost         int
	Refused      int
	RefusalMS    *Quantiles // nil when no call of the phase was refused
	HandoffMS    Quantiles
	ConnectedMS  Quantiles
	ServeMS      *Quantiles // serve's own share of the handoff, for serve and serve-warm
}

// callResult is one call's timeline, reduced.
type callResult struct {
	id        string
	phase     string
	connected bool
	refused   bool          // the webhook was answered with a non-2xx
	refusal   time.Duration // from the call's arrival to that answer
	handoff   time.Duration // -1: the bot never reported
	toConnect time.Duration
}

// quantiles uses the nearest-rank method: p99 of 100 values is the 99th smallest.
func quantiles(ds []time.Duration) Quantiles {
	if len(ds) == 0 {
		return Quantiles{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(s)))) - 1
		return ms(s[max(0, min(i, len(s)-1))])
	}
	return Quantiles{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: ms(s[len(s)-1])}
}

// ms is d in milliseconds, to a tenth.
func ms(d time.Duration) float64 { return math.Round(float64(d)/float64(time.Millisecond)*10) / 10 }

// summarize reduces call results to counts and quantiles.
func summarize(rs []callResult) (calls, connected, lost int, handoff, toConnect Quantiles) {
	var hs, cs []time.Duration
	for _, r := range rs {
		calls++
		if r.handoff >= 0 {
			hs = append(hs, r.handoff)
		}
		switch {
		case r.connected:
			connected++
			cs = append(cs, r.toConnect)
		case !r.refused: // a refused call was answered, not left on hold
			lost++
		}
	}
	return calls, connected, lost, quantiles(hs), quantiles(cs)
}

// refusals counts the refused calls and the quantiles of their refusal time (nil when none).
func refusals(rs []callResult) (int, *Quantiles) {
	var ds []time.Duration
	for _, r := range rs {
		if r.refused {
			ds = append(ds, r.refusal)
		}
	}
	if len(ds) == 0 {
		return 0, nil
	}
	q := quantiles(ds)
	return len(ds), &q
}

// Ratio returns a/b, or 0 when b is 0.
func Ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// round2 keeps two decimals.
func round2(f float64) float64 { return math.Round(f*100) / 100 }

// serveQuantiles are the quantiles of serve's own share of the calls' handoffs, or nil when
// the log told nothing.
func serveQuantiles(rs []callResult, shares map[string]time.Duration) *Quantiles {
	var ds []time.Duration
	for _, r := range rs {
		if d, ok := shares[r.id]; ok {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return nil
	}
	q := quantiles(ds)
	return &q
}
