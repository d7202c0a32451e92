package serve

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve/caps"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// Metrics are serve's Prometheus metrics, on a registry of their own. Create them before the
// Daily client so that its requests are counted: daily.WithObserver(m.ObserveDaily).
type Metrics struct {
	reg *prometheus.Registry

	calls          *prometheus.CounterVec // by outcome
	rejected       *prometheus.CounterVec // by reason
	roomsDiscarded *prometheus.CounterVec // rooms of failed calls, by result
	duplicates     *prometheus.CounterVec // by kind: callid, replay
	tests          prometheus.Counter
	hold           prometheus.Histogram
	webhookToBot   prometheus.Histogram
	ended          *prometheus.CounterVec // by reason
	botExits       *prometheus.CounterVec // by result
	patches        *prometheus.CounterVec // by result
	refreshes      *prometheus.CounterVec // by source, result
	dailyRequests  *prometheus.CounterVec // by method, path, code
	dailyErrors    *prometheus.CounterVec // by method, path
	dailyLatency   *prometheus.HistogramVec

	gate atomic.Pointer[caps.Gate]
}

// NewMetrics registers serve's metrics, plus the Go runtime and process collectors, on a new
// registry.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) prometheus.Collector { reg.MustRegister(c); return c }
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return f(prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dialin_serve", Name: name, Help: help}, labels)).(*prometheus.CounterVec)
	}
	latency := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
	m := &Metrics{
		reg:            reg,
		calls:          counter("calls_total", "Calls by outcome of their admission: bot_started, refused_no_rule, refused_rate_budget (over Daily's request budget within the caller's hold), refused_queue_timeout, refused_shutdown, refused_gate, failed_room, failed_token, failed_bot.", "outcome"),
		rejected:       counter("webhooks_rejected_total", "Webhook requests refused, by reason.", "reason"),
		roomsDiscarded: counter("failed_call_rooms_deleted_total", "Rooms of calls that failed after their room was asked for, deleted (deleted) or left to close at their exp (error).", "result"),
		duplicates:     counter("webhooks_duplicate_total", "Repeated deliveries answered with the first answer: callid (same callId) or replay (same signature and timestamp).", "kind"),
		ended:          counter("calls_ended_total", "Calls whose slot was freed, by reason: stopped, bot_exit, max_duration.", "reason"),
		botExits:       counter("bot_exits_total", "Bot processes that ended: bot_failed (before the call connected: it exited non-zero, or serve receives Daily's events and saw no dialin.connected) or normal.", "result"),
		patches:        counter("patches_total", "pinlessCallUpdate calls made by serve (patch: serve), by result.", "result"),
		refreshes:      counter("secret_refreshes_total", "Reads of the signing secrets from Daily, by source and result.", "source", "result"),
		dailyRequests:  counter("daily_requests_total", "HTTP attempts to Daily's API, by method, path and status code (0: no answer).", "method", "path", "code"),
		dailyErrors:    counter("daily_request_errors_total", "HTTP attempts to Daily that failed: no answer, or a status of 400 and above.", "method", "path"),
	}
	m.tests = f(prometheus.NewCounter(prometheus.CounterOpts{Namespace: "dialin_serve", Name: "webhooks_test_total", Help: "Daily's test/verification bodies answered."})).(prometheus.Counter)
	m.hold = f(prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "dialin_serve", Name: "hold_seconds", Help: "From the webhook's arrival to the caller connected (dialin.connected).",
		Buckets: []float64{.1, .25, .5, 1, 2, 3, 5, 8, 13, 21, 34, 60, 120}})).(prometheus.Histogram)
	m.webhookToBot = f(prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "dialin_serve", Name: "webhook_to_bot_seconds", Help: "From the webhook's arrival to the bot started or handed the call.",
		Buckets: latency})).(prometheus.Histogram)
	m.dailyLatency = f(prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "dialin_serve", Name: "daily_request_seconds", Help: "Latency of HTTP attempts to Daily's API.",
		Buckets: latency}, []string{"method", "path"})).(*prometheus.HistogramVec)
	gauge := func(name, help string, read func(caps.Gate) int) {
		f(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "dialin_serve", Name: name, Help: help}, func() float64 {
			if g := m.gate.Load(); g != nil {
				return float64(read(*g))
			}
			return 0
		}))
	}
	gauge("queue_depth", "Calls waiting for a slot.", caps.Gate.Waiting)
	gauge("active_calls", "Calls holding a slot.", caps.Gate.Active)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is the registry the metrics are on; serve's /metrics serves it.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveDaily counts one HTTP attempt to Daily; pass it to daily.WithObserver.
func (m *Metrics) ObserveDaily(info daily.RequestInfo) {
	path := metricPath(info.Path)
	m.dailyRequests.WithLabelValues(info.Method, path, strconv.Itoa(info.Status)).Inc()
	m.dailyLatency.WithLabelValues(info.Method, path).Observe(info.Duration.Seconds())
	if info.Err != nil || info.Status == 0 || info.Status >= http.StatusBadRequest {
		m.dailyErrors.WithLabelValues(info.Method, path).Inc()
	}
}

// metricPath keeps label values few: "/rooms/abc" becomes "/rooms/:id"; a query is dropped.
func metricPath(p string) string {
	p, _, _ = strings.Cut(p, "?")
	segs := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case segs[0] == "":
		return "/"
	case len(segs) == 1:
		return "/" + segs[0]
	case segs[0] == "dialin":
		return "/dialin/" + segs[1]
	}
	return "/" + segs[0] + "/:id"
}

// rejectReason is the metric label for a verification error.
func rejectReason(err error) string {
	for _, r := range []struct {
		err   error
		label string
	}{{webhook.ErrMissingHeaders, "missing_headers"}, {webhook.ErrStale, "stale_timestamp"}, {webhook.ErrBadTimestamp, "bad_timestamp"}, {webhook.ErrBadSignature, "bad_signature"}} {
		if errors.Is(err, r.err) {
			return r.label
		}
	}
	return "other"
}
