package daily

import (
	"context"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// FakeClock stands in for the wall clock of the rate limiter and the retry backoff: Sleep
// records the wait and moves the clock on instead of sleeping.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

// NewFakeClock returns a clock reading start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{now: start} }

// Now reads the clock.
func (f *FakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Sleep records d and advances the clock by it.
func (f *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	f.now = f.now.Add(d)
	return nil
}

// Sleeps returns the waits recorded so far.
func (f *FakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// WithFakeClock makes the client wait on f.
func WithFakeClock(f *FakeClock) Option { return withClock(f.Now, f.Sleep) }

// DecodeAPIError decodes an error answer the way the client does, for decoder tests.
func DecodeAPIError(apiKey string, status int, body string) *APIError {
	c := New(apiKey)
	return c.apiError(&request{method: http.MethodGet, path: "/x"}, &response{status: status, header: http.Header{}, body: []byte(body)})
}

// Rate-limit parameters, for tests that compute the expected waits.
var (
	GeneralBurst       = generalBurst
	GeneralInterval    = interval(generalRate)
	RoomDeleteBurst    = roomDeleteBurst
	RoomDeleteInterval = interval(roomDeleteRate)
)

func interval(l rate.Limit) time.Duration { return time.Duration(float64(time.Second) / float64(l)) }

// ParseRetryAfter exposes the Retry-After parser.
var ParseRetryAfter = parseRetryAfter

// WithClock makes the client read now and wait with sleep.
var WithClock = withClock
