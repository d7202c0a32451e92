package bench

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func TestQuantilesNearestRank(t *testing.T) {
	t.Parallel()
	var ds []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	q := quantiles(ds)
	if q != (Quantiles{P50: 50, P95: 95, P99: 99, Max: 100}) {
		t.Fatalf("quantiles of 1..100 ms = %+v", q)
	}
	if q := quantiles([]time.Duration{1500 * time.Microsecond}); q != (Quantiles{1.5, 1.5, 1.5, 1.5}) {
		t.Fatalf("one value: %+v", q)
	}
	if q := quantiles(nil); q != (Quantiles{}) {
		t.Fatalf("no value: %+v", q)
	}
}

func TestSummarizeCountsLostCallsAndSkipsThemInQuantiles(t *testing.T) {
	t.Parallel()
	rs := []callResult{
		{connected: true, handoff: 10 * time.Millisecond, toConnect: 300 * time.Millisecond},
		{connected: true, handoff: 20 * time.Millisecond, toConnect: 400 * time.Millisecond},
		{connected: false, handoff: -1},
		{connected: false, handoff: 5 * time.Millisecond}, // the bot started, the call was lost
	}
	calls, connected, lost, h, c := summarize(rs)
	if calls != 4 || connected != 2 || lost != 2 {
		t.Fatalf("calls %d connected %d lost %d", calls, connected, lost)
	}
	if h.Max != 20 || h.P50 != 10 || c.P50 != 300 || c.Max != 400 {
		t.Fatalf("handoff %+v connected %+v", h, c)
	}
}

func TestScrapeSumsSeriesAndSelectsALabel(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "dialin_serve_calls_total"}, []string{"outcome"})
	size := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "dialin_serve_room_pool_size"}, []string{"rule"})
	reg.MustRegister(calls, size)
	calls.WithLabelValues("bot_started").Add(7)
	calls.WithLabelValues("failed_room").Add(2)
	size.WithLabelValues("a").Set(3)
	size.WithLabelValues("b").Set(4)
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	m, err := scrape(srv.URL, "dialin_serve_calls_total", `dialin_serve_calls_total{outcome="bot_started"}`, "dialin_serve_room_pool_size", "absent")
	if err != nil {
		t.Fatal(err)
	}
	if m["dialin_serve_calls_total"] != 9 || m[`dialin_serve_calls_total{outcome="bot_started"}`] != 7 || m["dialin_serve_room_pool_size"] != 7 || m["absent"] != 0 {
		t.Fatalf("scraped %v", m)
	}
}

func TestReadUsageAndChildren(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if kids := children(os.Getpid()); !slices.Contains(kids, cmd.Process.Pid) {
		t.Fatalf("children %v lack %d", kids, cmd.Process.Pid)
	}
	end := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(end) { // burn some CPU so that the reading is not zero
	}
	u, err := readUsage(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if u.CPU <= 0 || u.RSSMB <= 0 || u.PeakMB < u.RSSMB {
		t.Fatalf("usage %+v", u)
	}
}

func TestServeSharesFromTheLog(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/serve.log"
	log := `{"level":"INFO","msg":"call received","event":"received","call_id":"a"}
{"level":"INFO","msg":"call bot_started","event":"bot_started","call_id":"a","since_s":0.0025}
not json
{"level":"INFO","msg":"call bot_started","event":"bot_started","call_id":"b","since_s":0.5}
{"level":"INFO","msg":"call connected","event":"connected","call_id":"b","since_s":0.9}
`
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	got := serveShares(path)
	if len(got) != 2 || got["a"] != 2500*time.Microsecond || got["b"] != 500*time.Millisecond {
		t.Fatalf("shares %v", got)
	}
	q := serveQuantiles([]callResult{{id: "a"}, {id: "b"}, {id: "c"}}, got)
	if q == nil || q.P50 != 2.5 || q.Max != 500 {
		t.Fatalf("quantiles %+v", q)
	}
}

func TestConfigCheckNamesTheSetting(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		tweak func(*Config)
		want  string
	}{
		{func(c *Config) { c.Rate = 0 }, "rate: must be above 0"},
		{func(c *Config) { c.Burst = -1 }, "burst: must be between 0 and 1000"},
		{func(c *Config) { c.Steady, c.Burst = 0, 0 }, "steady, burst: at least one phase"},
		{func(c *Config) { c.Systems = []string{"nginx"} }, `systems: "nginx" is not one of`},
		{func(c *Config) { c.HoldTimeout = time.Second }, "hold timeout: must be at least 5s"},
	} {
		cfg := Defaults()
		cfg.Dialin = "/bin/true"
		c.tweak(&cfg)
		if err := cfg.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}
}
