package daily_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// near reports whether d is within a millisecond of want (the limiter works in float seconds).
func near(d, want time.Duration) bool {
	diff := d - want
	return diff > -time.Millisecond && diff < time.Millisecond
}

func TestRateLimiterDelaysTheRequestAfterTheBurst(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	c, clock := newClient(t, srv) // the fake clock stands still unless a wait moves it
	ctx := testContext(t)

	for i := range daily.GeneralBurst {
		must(c.Domain(ctx))(t)
		if s := clock.Sleeps(); len(s) != 0 {
			t.Fatalf("request %d of the burst waited %v", i+1, s)
		}
	}
	must(c.Domain(ctx))(t)
	must(c.Domain(ctx))(t)
	s := clock.Sleeps()
	if len(s) != 2 || !near(s[0], daily.GeneralInterval) || !near(s[1], daily.GeneralInterval) {
		t.Fatalf("waits after the burst = %v, want 2 × %v", s, daily.GeneralInterval)
	}
	if n := srv.Count(http.MethodGet, "/"); n != daily.GeneralBurst+2 {
		t.Fatalf("served %d, want %d", n, daily.GeneralBurst+2)
	}
}

func TestRateLimiterRoomDeletesHaveTheirOwnSlowerClass(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	c, clock := newClient(t, srv)
	ctx := testContext(t)

	for range daily.RoomDeleteBurst {
		if err := c.DeleteRoom(ctx, "gone"); !daily.IsNotFound(err) {
			t.Fatalf("err = %v, want not found", err)
		}
	}
	if s := clock.Sleeps(); len(s) != 0 {
		t.Fatalf("deletes within the burst waited %v", s)
	}
	// Other endpoints do not spend the delete bucket...
	must(c.Domain(ctx))(t)
	if s := clock.Sleeps(); len(s) != 0 {
		t.Fatalf("GET / waited %v", s)
	}
	// ...and one more delete waits a delete interval.
	_ = c.DeleteRoom(ctx, "gone")
	s := clock.Sleeps()
	if len(s) != 1 || !near(s[0], daily.RoomDeleteInterval) {
		t.Fatalf("waits = %v, want one of %v", s, daily.RoomDeleteInterval)
	}
}

func TestWithoutRateLimitNeverWaits(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	c, clock := newClient(t, srv, daily.WithoutRateLimit())
	ctx := testContext(t)
	for range daily.GeneralBurst * 2 {
		must(c.Domain(ctx))(t)
	}
	if s := clock.Sleeps(); len(s) != 0 {
		t.Fatalf("waits = %v, want none", s)
	}
}

func TestRateLimitWaitStopsOnContextCancel(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	c := daily.New(srv.APIKey, daily.WithBaseURL(srv.URL)) // real clock
	ctx := testContext(t)
	for range daily.RoomDeleteBurst {
		_ = c.DeleteRoom(ctx, "gone")
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	err := c.DeleteRoom(short, "gone")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if n := srv.Count(http.MethodDelete, "/rooms/gone"); n != daily.RoomDeleteBurst {
		t.Fatalf("served %d deletes, want %d (the waiting one must not be sent)", n, daily.RoomDeleteBurst)
	}
}

// TestRaisedRateLimitsScaleTheBurstAndTheRate: a domain whose limits Daily raised five-fold
// gets five times the burst without waiting, then waits a fifth of the published interval.
func TestRaisedRateLimitsScaleTheBurstAndTheRate(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	c, clock := newClient(t, srv, daily.WithRaisedRateLimits(5))
	ctx := testContext(t)
	for i := range 5 * daily.GeneralBurst {
		must(c.Domain(ctx))(t)
		if s := clock.Sleeps(); len(s) != 0 {
			t.Fatalf("request %d of the raised burst waited %v", i+1, s)
		}
	}
	must(c.Domain(ctx))(t)
	if s := clock.Sleeps(); len(s) != 1 || !near(s[0], daily.GeneralInterval/5) {
		t.Fatalf("wait after the raised burst = %v, want %v", s, daily.GeneralInterval/5)
	}
}
