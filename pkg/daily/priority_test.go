package daily_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// manualClock moves only when the test advances it; Sleep blocks until then.
type manualClock struct {
	mu       sync.Mutex
	now      time.Time
	sleepers int
	moved    chan struct{}
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), moved: make(chan struct{})}
}

func (m *manualClock) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

func (m *manualClock) Sleep(ctx context.Context, d time.Duration) error {
	m.mu.Lock()
	until := m.now.Add(d)
	m.sleepers++
	defer func() { m.mu.Lock(); m.sleepers--; m.mu.Unlock() }()
	for m.now.Before(until) {
		moved := m.moved
		m.mu.Unlock()
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		}
		m.mu.Lock()
	}
	m.mu.Unlock()
	return nil
}

// Sleepers is how many goroutines are asleep on the clock.
func (m *manualClock) Sleepers() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sleepers
}

// advanceWhenAsleep moves the clock once n requests are asleep on it (only the head of a
// bucket's queue sleeps on the clock; the others wait for the queue to change): a head that
// has not yet started its sleep would measure its wait from the moved clock and never wake.
func (m *manualClock) advanceWhenAsleep(t *testing.T, n int, d time.Duration) {
	t.Helper()
	testkit.Eventually(t, fmt.Sprintf("%d requests asleep on the clock", n), func() bool { return m.Sleepers() == n })
	m.Advance(d)
}

func (m *manualClock) Advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
	close(m.moved)
	m.moved = make(chan struct{})
}

// A request of a higher priority that arrives after lower ones already wait for the spent
// budget is let through first: a patch or a waiting call's room never waits behind refills.
func TestBudgetLetsHigherPriorityOvertakeWaitingRefills(t *testing.T) {
	t.Parallel()
	for _, urgent := range []daily.Priority{daily.PriorityPatch, daily.PriorityCall} {
		t.Run(urgent.String(), func(t *testing.T) {
			t.Parallel()
			srv := dailytest.New(t, dailytest.WithoutRateLimit())
			clock := newManualClock()
			c := daily.New(srv.APIKey, daily.WithBaseURL(srv.URL), daily.WithClock(clock.Now, clock.Sleep))
			ctx := testContext(t)
			for range daily.GeneralBurst { // the burst is spent without waiting
				if err := c.Spend(ctx, http.MethodPost, "/rooms"); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan daily.Priority, 8)
			spend := func(p daily.Priority) {
				go func() {
					if err := c.Spend(daily.WithPriority(ctx, p), http.MethodPost, "/rooms"); err == nil {
						done <- p
					}
				}()
			}
			// A wait is rounded up to the nanosecond: a step a little over the interval ends it.
			step := daily.GeneralInterval + time.Microsecond
			const refills = 3
			for range refills {
				spend(daily.PriorityRefill)
			}
			testkit.Eventually(t, "the refills to queue", func() bool {
				return near(c.Delay(daily.PriorityHousekeeping, http.MethodPost, "/rooms", 1), (refills+1)*daily.GeneralInterval)
			})
			if d := c.Delay(urgent, http.MethodPost, "/rooms", 1); !near(d, daily.GeneralInterval) {
				t.Fatalf("%s request's delay behind %d refills = %v, want one interval (%v)", urgent, refills, d, daily.GeneralInterval)
			}
			spend(urgent)
			testkit.Eventually(t, "the urgent request to queue", func() bool {
				return near(c.Delay(daily.PriorityHousekeeping, http.MethodPost, "/rooms", 1), (refills+2)*daily.GeneralInterval)
			})
			clock.advanceWhenAsleep(t, 2, step) // the urgent head, and the refill it overtook
			if got := next(t, done); got != urgent {
				t.Fatalf("first request through after one interval = %s, want %s", got, urgent)
			}
			for i := range refills {
				clock.advanceWhenAsleep(t, 1, step)
				if got := next(t, done); got != daily.PriorityRefill {
					t.Fatalf("request %d through = %s, want refill", i+2, got)
				}
			}
			select {
			case got := <-done:
				t.Fatalf("an extra request went through: %s", got)
			default:
			}
		})
	}
}

func TestBudgetDelayOfAFreshBudget(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	c, _ := newClient(t, srv)
	if d := c.Delay(daily.PriorityCall, http.MethodPost, "/rooms", daily.GeneralBurst); d != 0 {
		t.Fatalf("delay of a full burst on a fresh budget = %v, want 0", d)
	}
	if d := c.Delay(daily.PriorityCall, http.MethodPost, "/rooms", daily.GeneralBurst+2); !near(d, 2*daily.GeneralInterval) {
		t.Fatalf("delay of the burst and 2 = %v, want 2 intervals", d)
	}
	if d := daily.New("k", daily.WithoutRateLimit()).Delay(daily.PriorityCall, http.MethodPost, "/rooms", 1000); d != 0 {
		t.Fatalf("delay without a rate limiter = %v, want 0", d)
	}
}

// next is the priority of the next request let through; it fails the test after 10 s.
func next(t *testing.T, done <-chan daily.Priority) daily.Priority {
	t.Helper()
	select {
	case p := <-done:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no request went through")
		return 0
	}
}

// Among requests of one priority, those of earlier work go first (WithQueuedSince): a call's
// second request goes ahead of the calls that arrived after it, which queued while its first
// waited, so that the call's requests go through together.
func TestBudgetLetsAnEarlierCallsSecondRequestGoFirst(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	clock := newManualClock()
	c := daily.New(srv.APIKey, daily.WithBaseURL(srv.URL), daily.WithClock(clock.Now, clock.Sleep))
	ctx := testContext(t)
	for range daily.GeneralBurst {
		if err := c.Spend(ctx, http.MethodPost, "/rooms"); err != nil {
			t.Fatal(err)
		}
	}
	arrived := clock.Now()
	callCtx := func(i int) context.Context {
		return daily.WithQueuedSince(ctx, arrived.Add(time.Duration(i)*time.Second))
	}
	through := make(chan string, 8)
	queued := func(n int) {
		t.Helper()
		testkit.Eventually(t, fmt.Sprintf("%d requests to queue", n), func() bool {
			return near(c.Delay(daily.PriorityHousekeeping, http.MethodPost, "/rooms", 1), time.Duration(n+1)*daily.GeneralInterval)
		})
	}
	go func() { // the first call: its room, then its token
		for _, what := range []string{"first room", "first token"} {
			if c.Spend(callCtx(0), http.MethodPost, "/rooms") != nil {
				return
			}
			through <- what
		}
	}()
	queued(1)
	for i, what := range []string{"second room", "third room"} {
		go func() {
			if c.Spend(callCtx(i+1), http.MethodPost, "/rooms") == nil {
				through <- what
			}
		}()
		queued(i + 2)
	}
	step := daily.GeneralInterval + time.Microsecond
	clock.advanceWhenAsleep(t, 1, step)
	if got := nextName(t, through); got != "first room" {
		t.Fatalf("first through = %s, want the first room", got)
	}
	queued(3) // the first call's token joined the queue, ahead of the other two
	for _, want := range []string{"first token", "second room", "third room"} {
		// The head may be asleep, or about to find the token the step adds.
		testkit.Eventually(t, "a request asleep on the clock", func() bool { return clock.Sleepers() > 0 })
		clock.Advance(step)
		if got := nextName(t, through); got != want {
			t.Fatalf("through = %s, want %s", got, want)
		}
	}
}

// nextName is the next request let through; it fails the test after 10 s.
func nextName(t *testing.T, through <-chan string) string {
	t.Helper()
	select {
	case s := <-through:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no request went through")
		return ""
	}
}
