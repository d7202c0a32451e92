package dailytest

import (
	"strconv"
	"testing"
	"time"
)

func TestRateLimitIsOnByDefault(t *testing.T) {
	t.Parallel()
	s := New(t)
	for i := range 100 {
		if res := api(t, s, "GET", "/", nil); res.status != 200 {
			t.Fatalf("request %d: %d", i, res.status)
		}
	}
	res := api(t, s, "GET", "/rooms", nil)
	wantError(t, res, 429, "rate-limit-error", "100 requests per 5s")
	secs, err := strconv.Atoi(res.header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 5 {
		t.Fatalf("Retry-After %q", res.header.Get("Retry-After"))
	}
	if s.Count("GET", "/rooms") != 1 || s.Requests()[100].Status != 429 {
		t.Fatal("a throttled request is still recorded with its status")
	}
}

func TestDeleteRoomAndDialOutHaveTheirOwnClasses(t *testing.T) {
	t.Parallel()
	s := New(t)
	for i := range 50 {
		if res := api(t, s, "DELETE", "/rooms/none", nil); res.status != 404 {
			t.Fatalf("delete %d: %d", i, res.status)
		}
	}
	wantError(t, api(t, s, "DELETE", "/rooms/none", nil), 429, "rate-limit-error", "50 requests per 30s")
	ok(t, s, "GET", "/", nil) // other classes are unaffected
	for range 5 {
		api(t, s, "POST", "/rooms/none/dialOut/start", map[string]any{"phoneNumber": "+14155550100"})
	}
	wantError(t, api(t, s, "POST", "/rooms/none/dialOut/start", map[string]any{}), 429, "rate-limit-error", "5 requests per 5s")
}

func TestWithoutRateLimit(t *testing.T) {
	t.Parallel()
	s := New(t, WithoutRateLimit())
	for i := range 150 {
		if res := api(t, s, "GET", "/", nil); res.status != 200 {
			t.Fatalf("request %d: %d", i, res.status)
		}
	}
}

func TestRateLimiterWindowSlides(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	l := newRateLimiter(func() time.Time { return now })
	for range 5 {
		if e := l.allow(classStartCall); e != nil {
			t.Fatal(e)
		}
		now = now.Add(500 * time.Millisecond)
	}
	e := l.allow(classStartCall)
	if e == nil || e.status != 429 || e.retryAfter != 2500*time.Millisecond {
		t.Fatalf("sixth call: %v (retry after %v)", e, e.retryAfter)
	}
	now = now.Add(2500 * time.Millisecond) // the first call leaves the window
	if e := l.allow(classStartCall); e != nil {
		t.Fatalf("after the window slid: %v", e)
	}
	if e := l.allow(classStartCall); e == nil {
		t.Fatal("only one slot should have opened")
	}
}
