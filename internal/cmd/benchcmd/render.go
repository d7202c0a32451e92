package benchcmd

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/dialin-project/dialin/internal/bench"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
)

// render prints the report: one row per system and phase (then all phases), and the ratios
// of serve, serve-rest and serve-warm to the seed runner. The settings go to stderr, as context. Piped,
// each table keeps its header line (tables are separated by a blank line), so the output
// says which numbers are which.
func render(io *iostreams.IOStreams, rep *bench.Report) error {
	c := rep.Config
	if rep.Hold != nil {
		h := rep.Hold
		t := output.NewTable(io, "calls", "bot started", "active", "rss mb", "peak rss mb", "heap mb", "stacks mb", "goroutines", "cpu s", "ramp s").WithHeaderWhenPiped()
		t.Row(strconv.Itoa(h.Calls), strconv.Itoa(h.BotStarted), strconv.Itoa(h.Active), f1(h.RSSMB), f1(h.PeakRSSMB), f1(h.HeapMB), f1(h.StacksMB),
			strconv.Itoa(h.Goroutines), f2(h.CPUSeconds), f1(h.RampS))
		return t.Render()
	}
	fmt.Fprintf(io.ErrOut, "latency %gms, bot start-up %gms, ready delay %gms; steady %g calls/s for %gs after %gs of warmup, burst %d; warm rooms %d, warm bots %d; Daily rate limits %v (serve told %g/s); %d CPUs, %s\n",
		c.LatencyMS, c.BotStartupMS, c.ReadyDelayMS, c.SteadyRate, c.SteadyS, c.WarmupS, c.Burst, c.WarmRooms, c.WarmBots, c.DailyLimits, c.DailyRateLimit, c.CPUs, c.GoVersion)
	if c.Replicas > 0 || c.State != "" {
		fmt.Fprintf(io.ErrOut, "serve, serve-rest, serve-warm and serve-pipecat: %d replicas behind a round-robin balancer, state %s\n", max(c.Replicas, 1), or(c.State, "memory"))
	}
	for name, why := range c.Unavailable {
		fmt.Fprintf(io.ErrOut, "%s: unavailable: %s\n", name, why)
	}
	t := output.NewTable(io, "system", "phase", "calls", "connected", "refused", "lost",
		"handoff p50", "p95", "p99", "max", "connected p50", "p95", "p99", "max", "refusal p99",
		"daily req/call", "critical req/call", "cpu s", "peak rss mb").WithHeaderWhenPiped()
	for _, s := range rep.Systems {
		for _, p := range rep.Phases {
			if p.System == s.Name {
				t.Row(append([]string{s.Name, p.Name, strconv.Itoa(p.Calls), strconv.Itoa(p.Connected), strconv.Itoa(p.Refused), strconv.Itoa(p.Lost)},
					append(append(quant(p.HandoffMS), quant(p.ConnectedMS)...), refusalP99(p.RefusalMS))...)...)
			}
		}
		t.Row(append(append([]string{s.Name, "all", strconv.Itoa(s.Calls), strconv.Itoa(s.Connected), strconv.Itoa(s.Refused), strconv.Itoa(s.Lost)},
			append(append(quant(s.HandoffMS), quant(s.ConnectedMS)...), refusalP99(s.RefusalMS))...),
			f2(s.DailyRequestsPerCall), f2(s.CriticalRequestsPerCall), f2(s.CPUSeconds), f1(s.PeakRSSMB))...)
	}
	if err := t.Render(); err != nil {
		return err
	}
	if err := renderServeShare(io, rep); err != nil {
		return err
	}
	if err := renderState(io, rep); err != nil {
		return err
	}
	if err := renderRatios(io, rep, bench.SystemSeed, bench.SystemServe, bench.SystemServeREST, bench.SystemWarm); err != nil {
		return err
	}
	return renderRatios(io, rep, bench.SystemPipecatRunner, bench.SystemServePipecat)
}

// renderRatios prints the figures of the systems named over those of base, when base and
// at least one of them ran: serve, serve-rest and serve-warm against the seed runner, serve-pipecat
// against the Pipecat runner alone.
func renderRatios(io *iostreams.IOStreams, rep *bench.Report, base string, names ...string) error {
	var b *bench.System
	for i := range rep.Systems {
		if rep.Systems[i].Name == base {
			b = &rep.Systems[i]
		}
	}
	var rows []bench.System
	for _, s := range rep.Systems {
		if slices.Contains(names, s.Name) {
			rows = append(rows, s)
		}
	}
	if b == nil || len(rows) == 0 {
		return nil
	}
	fmt.Fprintln(io.Out)
	r := output.NewTable(io, "ratio to "+base, "handoff p50", "p95", "p99", "connected p50", "p95", "p99", "daily req/call", "cpu s", "peak rss").WithHeaderWhenPiped()
	x := func(a, b float64) string { return fmt.Sprintf("%.3f", bench.Ratio(a, b)) }
	for _, s := range rows {
		r.Row(s.Name, x(s.HandoffMS.P50, b.HandoffMS.P50), x(s.HandoffMS.P95, b.HandoffMS.P95), x(s.HandoffMS.P99, b.HandoffMS.P99),
			x(s.ConnectedMS.P50, b.ConnectedMS.P50), x(s.ConnectedMS.P95, b.ConnectedMS.P95), x(s.ConnectedMS.P99, b.ConnectedMS.P99),
			x(s.DailyRequestsPerCall, b.DailyRequestsPerCall), x(s.CPUSeconds, b.CPUSeconds), x(s.PeakRSSMB, b.PeakRSSMB))
	}
	return r.Render()
}

func quant(q bench.Quantiles) []string { return []string{f1(q.P50), f1(q.P95), f1(q.P99), f1(q.Max)} }

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
func f2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// renderServeShare prints serve's own share of the handoff, from its log: the webhook's
// arrival at serve to the bot having the call.
func renderServeShare(io *iostreams.IOStreams, rep *bench.Report) error {
	var rows [][]string
	for _, s := range rep.Systems {
		for _, p := range rep.Phases {
			if p.System == s.Name && p.ServeMS != nil {
				rows = append(rows, append([]string{s.Name, p.Name}, quant(*p.ServeMS)...))
			}
		}
		if s.ServeMS != nil {
			rows = append(rows, append([]string{s.Name, "all"}, quant(*s.ServeMS)...))
		}
	}
	if len(rows) == 0 {
		return nil
	}
	fmt.Fprintln(io.Out)
	t := output.NewTable(io, "serve's own share", "phase", "p50", "p95", "p99", "max").WithHeaderWhenPiped()
	for _, r := range rows {
		t.Row(r...)
	}
	return t.Render()
}

// renderState prints what the shared state cost, with --replicas or --state.
func renderState(io *iostreams.IOStreams, rep *bench.Report) error {
	if rep.Config.Replicas == 0 && rep.Config.State == "" {
		return nil
	}
	fmt.Fprintln(io.Out)
	t := output.NewTable(io, "shared state", "replicas", "redis round trips/call", "cpu s/call", "peak rss mb").WithHeaderWhenPiped()
	for _, s := range rep.Systems {
		if s.Replicas == 0 {
			continue // not serve
		}
		t.Row(s.Name, strconv.Itoa(s.Replicas), f2(s.StateRoundTripsPerCall), fmt.Sprintf("%.4f", bench.Ratio(s.CPUSeconds, float64(s.Calls))), f1(s.PeakRSSMB))
	}
	return t.Render()
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// refusalP99 is the p99 of the refusal times, "-" when no call was refused.
func refusalP99(q *bench.Quantiles) string {
	if q == nil {
		return "-"
	}
	return f1(q.P99)
}
