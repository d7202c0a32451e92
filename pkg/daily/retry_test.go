package daily_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestRetry429HonoursRetryAfter(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	c, clock := newClient(t, srv, daily.WithoutRateLimit())
	srv.FailNext(http.StatusTooManyRequests, 1, dailytest.RetryAfter(3*time.Second))

	d := must(c.Domain(testContext(t)))(t)
	if d.ID != srv.DomainID() {
		t.Fatalf("domain id = %q, want %q", d.ID, srv.DomainID())
	}
	if n := srv.Count(http.MethodGet, "/"); n != 2 {
		t.Fatalf("GET / served %d times, want 2 (one 429, one retry)", n)
	}
	if got := clock.Sleeps(); len(got) != 1 || got[0] != 3*time.Second {
		t.Fatalf("waits = %v, want exactly the Retry-After of 3s", got)
	}
}

func TestRetry429WithoutRetryAfterBacksOffWithJitter(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	policy := daily.RetryPolicy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: 150 * time.Millisecond}
	c, clock := newClient(t, srv, daily.WithoutRateLimit(), daily.WithRetryPolicy(policy))
	srv.FailNext(http.StatusTooManyRequests, 3)

	// 429 is retried even for a POST: Daily did not act on the request.
	room := must(c.CreateRoom(testContext(t), daily.CreateRoomRequest{Name: "after-429"}))(t)
	if room.Name != "after-429" {
		t.Fatalf("room name = %q", room.Name)
	}
	if n := srv.Count(http.MethodPost, "/rooms"); n != 4 {
		t.Fatalf("POST /rooms served %d times, want 4", n)
	}
	sleeps := clock.Sleeps()
	if len(sleeps) != 3 {
		t.Fatalf("waits = %v, want 3", sleeps)
	}
	ceilings := []time.Duration{100 * time.Millisecond, 150 * time.Millisecond, 150 * time.Millisecond}
	for i, d := range sleeps {
		if d < 0 || d >= ceilings[i] {
			t.Errorf("wait %d = %v, want in [0, %v)", i+1, d, ceilings[i])
		}
	}
}

func TestRetry429GivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	c, _ := newClient(t, srv, daily.WithoutRateLimit(), daily.WithRetryPolicy(daily.RetryPolicy{MaxAttempts: 3}))
	srv.FailNext(http.StatusTooManyRequests, 10)

	_, err := c.Domain(testContext(t))
	if !daily.IsRateLimited(err) {
		t.Fatalf("err = %v, want a rate-limit error", err)
	}
	if n := srv.Count(http.MethodGet, "/"); n != 3 {
		t.Fatalf("GET / served %d times, want 3", n)
	}
}

func TestRetry5xxForIdempotentRequestsOnly(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	var infos []daily.RequestInfo
	var mu sync.Mutex
	c, _ := newClient(t, srv, daily.WithoutRateLimit(), daily.WithObserver(func(i daily.RequestInfo) {
		mu.Lock()
		defer mu.Unlock()
		infos = append(infos, i)
	}))
	ctx := testContext(t)

	srv.FailNext(http.StatusServiceUnavailable, 2)
	must(c.Domain(ctx))(t)
	if n := srv.Count(http.MethodGet, "/"); n != 3 {
		t.Fatalf("GET / served %d times, want 3", n)
	}
	mu.Lock()
	if len(infos) != 3 || infos[0].Status != 503 || infos[0].Attempt != 1 || infos[2].Status != 200 || infos[2].Attempt != 3 || infos[2].Path != "/" {
		t.Errorf("observer saw %+v", infos)
	}
	mu.Unlock()

	srv.FailNext(http.StatusInternalServerError, 1)
	_, err := c.CreateRoom(ctx, daily.CreateRoomRequest{Name: "no-retry"})
	var ae *daily.APIError
	if !errors.As(err, &ae) || ae.Status != 500 || ae.Type != "server-error" {
		t.Fatalf("err = %v, want the 500", err)
	}
	if n := srv.Count(http.MethodPost, "/rooms"); n != 1 {
		t.Fatalf("POST /rooms served %d times, want 1 (a POST is not retried on 5xx)", n)
	}

	srv.FailNext(http.StatusBadGateway, 1)
	if err := c.PinlessCallUpdate(ctx, daily.PinlessCallUpdateRequest{CallID: "c", CallDomain: "d", SIPURI: "x@y"}); err == nil {
		t.Fatal("pinlessCallUpdate after a 502 succeeded")
	}
	if n := srv.Count(http.MethodPost, "/dialin/pinlessCallUpdate"); n != 1 {
		t.Fatalf("pinlessCallUpdate served %d times, want 1", n)
	}

	// A 4xx is an answer, not a failure: never retried.
	_, err = c.Room(ctx, "missing-room")
	if !daily.IsNotFound(err) {
		t.Fatalf("err = %v, want not found", err)
	}
	if n := srv.Count(http.MethodGet, "/rooms/missing-room"); n != 1 {
		t.Fatalf("GET /rooms/missing-room served %d times, want 1", n)
	}
}

// dropListener accepts TCP connections and closes them at once: a server that is up but
// never answers, as after a crash or a reset.
func dropListener(t *testing.T) (url string, accepted *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = &atomic.Int64{}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			_ = conn.Close()
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return "http://" + ln.Addr().String() + "/v1", accepted
}

func TestConnectionErrorsRetriedForIdempotentRequestsOnly(t *testing.T) {
	t.Parallel()
	url, accepted := dropListener(t)
	clock := daily.NewFakeClock(time.Unix(0, 0))
	c := daily.New("test-key-123456", daily.WithBaseURL(url), daily.WithFakeClock(clock), daily.WithoutRateLimit())
	ctx := testContext(t)

	_, err := c.Domain(ctx)
	var te *daily.TransportError
	if !errors.As(err, &te) || te.Method != "GET" || te.Path != "/" {
		t.Fatalf("err = %v, want a *TransportError for GET /", err)
	}
	if n := accepted.Load(); n != daily.DefaultMaxAttempts {
		t.Fatalf("GET made %d connections, want %d", n, daily.DefaultMaxAttempts)
	}

	accepted.Store(0)
	_, err = c.CreateRoom(ctx, daily.CreateRoomRequest{Name: "x"})
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *TransportError", err)
	}
	if n := accepted.Load(); n != 1 {
		t.Fatalf("POST made %d connections, want 1", n)
	}
}

func TestRetryWaitStopsOnContextCancel(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	c := daily.New(srv.APIKey, daily.WithBaseURL(srv.URL)) // real clock: the wait is real
	srv.FailNext(http.StatusServiceUnavailable, 1, dailytest.RetryAfter(20*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	_, err := c.Domain(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if n := srv.Count(http.MethodGet, "/"); n != 1 {
		t.Fatalf("GET / served %d times, want 1", n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},
		{"0", 0, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"3600", 30 * time.Second, true}, // capped
		{now.Add(4 * time.Second).Format(http.TimeFormat), 4 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"soon", 0, false},
		{"-3", 0, false},
	}
	for _, tc := range cases {
		got, ok := daily.ParseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
