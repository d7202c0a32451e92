package daily

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how often and how long the client retries. Delays follow exponential
// backoff with full jitter: attempt n waits a random time in [0, min(MaxDelay, BaseDelay·2^(n-1))).
type RetryPolicy struct {
	MaxAttempts int // attempts in all, the first included; 1 disables retries
	BaseDelay   time.Duration
	MaxDelay    time.Duration
}

// Default retry settings.
const (
	DefaultMaxAttempts = 4
	DefaultBaseDelay   = 200 * time.Millisecond
	DefaultMaxDelay    = 5 * time.Second
)

// maxRetryAfter caps how long a Retry-After header can make the client wait.
const maxRetryAfter = 30 * time.Second

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	return p
}

// backoff is the jittered delay before retry number attempt (1 = after the first attempt).
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceiling := p.BaseDelay
	for i := 1; i < attempt && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxDelay)
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceiling)))
}

// retryDelay decides whether the failed attempt is retried and after how long:
// 429 on any method; 5xx and connection errors only when the request is idempotent; never
// for a request marked once.
func (c *Client) retryDelay(r *request, resp *response, transportErr error, attempt int) (time.Duration, bool) {
	switch {
	case r.once:
		return 0, false
	case transportErr != nil:
		if !r.idempotent() {
			return 0, false
		}
	case resp.status == http.StatusTooManyRequests:
	case resp.status >= 500:
		if !r.idempotent() {
			return 0, false
		}
	default:
		return 0, false
	}
	if resp != nil {
		if d, ok := parseRetryAfter(resp.header.Get("Retry-After"), c.now()); ok {
			return d, true
		}
	}
	return c.retry.backoff(attempt), true
}

// parseRetryAfter reads a Retry-After header as delay-seconds or an HTTP date, capped.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || secs != secs {
			return 0, false
		}
		d = time.Duration(min(secs, maxRetryAfter.Seconds()) * float64(time.Second))
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return 0, false
	}
	return max(0, min(d, maxRetryAfter)), true
}
