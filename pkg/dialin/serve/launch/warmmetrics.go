package launch

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dialin-project/dialin/pkg/dialin/serve/internal/promreg"
)

// warmMetrics are one rule's series of the warm-bot metrics.
type warmMetrics struct {
	waiting, starting prometheus.Gauge
	target            prometheus.Gauge
	hits, misses      prometheus.Counter
	used              prometheus.Counter
	failed            *prometheus.CounterVec // by reason: died, hung_start, hung_accept
}

// newWarmMetrics registers the warm-bot metrics on reg (once per registry; every rule adds
// its own series). A nil reg gives metrics that go nowhere.
func newWarmMetrics(reg prometheus.Registerer, rule string) (*warmMetrics, error) {
	gauge := func(n, help string) (*prometheus.GaugeVec, error) {
		return promreg.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "dialin_serve", Name: n, Help: help}, []string{"rule"}))
	}
	counter := func(n, help string, labels ...string) (*prometheus.CounterVec, error) {
		return promreg.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dialin_serve", Name: n, Help: help}, append([]string{"rule"}, labels...)))
	}
	waiting, err1 := gauge("warm_bots_waiting", "Warm bots waiting for a call on stdin.")
	starting, err2 := gauge("warm_bots_starting", "Warm bots started and not yet waiting.")
	hits, err3 := counter("warm_bot_hits_total", "Calls handed to a warm bot.")
	misses, err4 := counter("warm_bot_misses_total", "Calls that found no warm bot waiting and got a bot started for them.")
	used, err5 := counter("warm_bots_used_total", "Warm bots taken for a call; each is replaced in the background.")
	failed, err6 := counter("warm_bot_failures_total", "Warm bots dropped without a call, by reason: died, hung_start (never said it waits), hung_accept (did not acknowledge its call; killed).", "reason")
	target, err7 := gauge("warm_bots_target", "Warm bots the rule keeps starting or waiting now (with warm: auto, what its call rate needs).")
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7); err != nil {
		return nil, err
	}
	return &warmMetrics{
		waiting: waiting.WithLabelValues(rule), starting: starting.WithLabelValues(rule), target: target.WithLabelValues(rule),
		hits: hits.WithLabelValues(rule), misses: misses.WithLabelValues(rule),
		used:   used.WithLabelValues(rule),
		failed: failed.MustCurryWith(prometheus.Labels{"rule": rule}),
	}, nil
}
