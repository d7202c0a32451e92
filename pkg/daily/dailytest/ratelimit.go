package dailytest

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// limitClass is one of Daily's published rate-limit classes.
type limitClass int

const (
	classDefault    limitClass = iota // most endpoints: 100 requests per 5 s
	classDeleteRoom                   // DELETE /rooms/:name: 50 per 30 s
	classStartCall                    // starting a dial-out (PSTN/SIP call): 5 per 5 s
)

type limit struct {
	requests int
	window   time.Duration
}

var classLimits = map[limitClass]limit{
	classDefault:    {100, 5 * time.Second},
	classDeleteRoom: {50, 30 * time.Second},
	classStartCall:  {5, 5 * time.Second},
}

// rateLimiter keeps a sliding log per class. It runs on real time, not the server's clock, so
// a client honouring Retry-After gets through even while a ManualClock stands still.
type rateLimiter struct {
	mu   sync.Mutex
	now  func() time.Time
	hits map[limitClass][]time.Time
}

func newRateLimiter(now func() time.Time) *rateLimiter {
	return &rateLimiter{now: now, hits: map[limitClass][]time.Time{}}
}

// allow records a request of class c, or answers 429 with Retry-After when the window is full.
// A nil limiter (WithoutRateLimit) allows everything.
func (l *rateLimiter) allow(c limitClass) *apiError {
	if l == nil {
		return nil
	}
	lim := classLimits[c]
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	hits := l.hits[c]
	keep := 0
	for keep < len(hits) && now.Sub(hits[keep]) >= lim.window {
		keep++
	}
	hits = hits[keep:]
	if len(hits) >= lim.requests {
		l.hits[c] = hits
		wait := lim.window - now.Sub(hits[0])
		return &apiError{status: http.StatusTooManyRequests, kind: "rate-limit-error", retryAfter: wait,
			info: fmt.Sprintf("rate limit exceeded: at most %d requests per %s for this endpoint", lim.requests, lim.window)}
	}
	l.hits[c] = append(hits, now)
	return nil
}
