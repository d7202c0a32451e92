package dailytest

import (
	"testing"
	"time"
)

func TestFailNext(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	s.FailNext(503, 2)
	s.FailNext(429, 1, RetryAfter(1500*time.Millisecond))
	wantError(t, api(t, s, "GET", "/", nil), 503, "server-error", "injected")
	wantError(t, api(t, s, "POST", "/rooms", map[string]any{}), 503, "server-error", "injected")
	res := api(t, s, "GET", "/", nil)
	wantError(t, res, 429, "rate-limit-error", "injected")
	if res.header.Get("Retry-After") != "2" {
		t.Fatalf("Retry-After %q, want 2 (rounded up)", res.header.Get("Retry-After"))
	}
	ok(t, s, "GET", "/", nil)
	if m := ok(t, s, "GET", "/rooms", nil); m["total_count"] != float64(0) {
		t.Fatal("a failed create must not have created a room")
	}
	// Auth is checked first: a request with a wrong key does not consume a fault.
	s.FailNext(500, 1)
	if res := send(t, "GET", s.URL+"/", "Bearer wrong", nil); res.status != 401 {
		t.Fatalf("wrong key: %d", res.status)
	}
	wantError(t, api(t, s, "GET", "/", nil), 500, "server-error", "")
}

func TestFailRateIsSeededAndReproducible(t *testing.T) {
	t.Parallel()
	run := func() []int {
		s, _ := newTest(t, WithSeed(42))
		s.FailRate(0.5, 502)
		var out []int
		for range 40 {
			out = append(out, api(t, s, "GET", "/", nil).status)
		}
		return out
	}
	a, b := run(), run()
	failed := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("run differs at %d: %v vs %v", i, a, b)
		}
		if a[i] == 502 {
			failed++
		}
	}
	if failed < 8 || failed > 32 {
		t.Fatalf("%d of 40 failed at share 0.5", failed)
	}
	s, _ := newTest(t)
	s.FailRate(1, 500)
	wantError(t, api(t, s, "GET", "/", nil), 500, "server-error", "")
	s.FailRate(0, 500)
	ok(t, s, "GET", "/", nil)
}

func TestLatencyIsAdded(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t, WithLatency(40*time.Millisecond))
	start := time.Now()
	ok(t, s, "GET", "/", nil)
	if time.Since(start) < 40*time.Millisecond {
		t.Fatal("WithLatency not applied")
	}
	s.SetLatency(0)
	if s.latency() != 0 {
		t.Fatal("SetLatency(0) must turn it off")
	}
}

// A failure limited to one request waits for it: the requests before it pass.
func TestFailNextOnRequest(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	s.FailNext(503, 1, OnRequest("POST", "/buy-phone-number"))
	ok(t, s, "GET", "/purchased-phone-numbers", nil)
	wantError(t, api(t, s, "POST", "/buy-phone-number", nil), 503, "server-error", "injected fault")
	ok(t, s, "POST", "/buy-phone-number", nil)
}
