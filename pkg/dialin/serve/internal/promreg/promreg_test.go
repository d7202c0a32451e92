package promreg

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegisterKeepsTheFirst(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	opts := prometheus.GaugeOpts{Name: "pool_size", Help: "h"}
	first, err := Register(reg, prometheus.NewGauge(opts))
	if err != nil {
		t.Fatal(err)
	}
	second, err := Register(reg, prometheus.NewGauge(opts))
	if err != nil || second != first {
		t.Fatalf("second registration = %v, %v; want the first collector", second, err)
	}
	// A collector of another kind under the same name is an error, not the gauge.
	if _, err := Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{Name: "pool_size", Help: "h"})); err == nil {
		t.Fatal("a histogram under the gauge's name was accepted")
	}
	if c, err := Register[prometheus.Gauge](nil, first); err != nil || c != first {
		t.Fatal("nil registry must leave the collector as is")
	}
}
