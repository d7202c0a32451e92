package pool

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dialin-project/dialin/pkg/dialin/serve/internal/promreg"
)

// metrics are the pool's metric families; each rule has its series.
type metrics struct {
	size, target                     *prometheus.GaugeVec
	hits, misses, retired, createErr *prometheus.CounterVec
}

type ruleMetrics struct {
	size, target                  prometheus.Gauge
	hits, misses, retired, errors prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	counter := func(name, help string) (*prometheus.CounterVec, error) {
		return promreg.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dialin_serve", Name: name, Help: help}, []string{"rule"}))
	}
	size, e1 := promreg.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "dialin_serve", Name: "room_pool_size", Help: "Pooled rooms ready to be handed to a call."}, []string{"rule"}))
	hits, e2 := counter("room_pool_hits_total", "Calls that took a pooled room (no request to Daily).")
	misses, e3 := counter("room_pool_misses_total", "Calls of a pooled rule that found the pool empty and got a room created on demand.")
	retired, e4 := counter("room_pool_retired_total", "Pooled rooms that reached their lifetime unused and were replaced.")
	errs, e5 := counter("room_pool_create_errors_total", "Failed room creations of the pool's refill (each makes it back off).")
	target, e6 := promreg.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "dialin_serve", Name: "room_pool_target", Help: "Rooms the pool refills to: pool.rooms, or with rooms: auto its size for the observed call rate."}, []string{"rule"}))
	if err := errors.Join(e1, e2, e3, e4, e5, e6); err != nil {
		return nil, err
	}
	return &metrics{size: size, target: target, hits: hits, misses: misses, retired: retired, createErr: errs}, nil
}

func (m *metrics) forRule(rule string) ruleMetrics {
	return ruleMetrics{size: m.size.WithLabelValues(rule), target: m.target.WithLabelValues(rule), hits: m.hits.WithLabelValues(rule), misses: m.misses.WithLabelValues(rule),
		retired: m.retired.WithLabelValues(rule), errors: m.createErr.WithLabelValues(rule)}
}
