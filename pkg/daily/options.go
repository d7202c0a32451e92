package daily

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Option configures a Client.
type Option func(*Client)

// RequestInfo describes one HTTP attempt; WithObserver receives one per attempt, for metrics.
// Path is relative to the base URL with secrets (meeting tokens) redacted.
type RequestInfo struct {
	Method   string
	Path     string
	Status   int // 0 when no response arrived
	Duration time.Duration
	Err      error // transport error, or nil (an HTTP error status is not an Err)
	Attempt  int   // 1 for the first attempt
}

// WithBaseURL points the client at another API root, e.g. the emulator's URL ending in /v1.
func WithBaseURL(u string) Option {
	return func(c *Client) {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			c.baseURL = u
		}
	}
}

// WithHTTPClient sets the *http.Client used for every request.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) {
		if h != nil {
			c.http = h
		}
	}
}

// WithLogger sets the structured logger; nil (the default) logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		c.log = l
	}
}

// WithDebug writes a wire log of every request and response to w, with the Authorization
// header, the API key, hmac secrets, basic-auth secrets and meeting tokens redacted.
func WithDebug(w io.Writer) Option {
	return func(c *Client) {
		if w != nil {
			c.debug = &debugLog{w: w}
		}
	}
}

// WithRetryPolicy replaces the default retry policy; zero fields keep their defaults.
// MaxAttempts counts the first attempt, so MaxAttempts 1 turns retries off.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) { c.retry = p.withDefaults() }
}

// WithoutRateLimit turns off the client-side rate limiter (Daily's 429s are still retried).
func WithoutRateLimit() Option {
	return func(c *Client) { c.limits = nil }
}

// WithRaisedRateLimits scales every rate-limit class of the client-side limiter by factor
// (rates and bursts): for a domain whose limits Daily has raised above the published ones
// (factor 5 for 100 requests per second where 20 are published). Factor 1 is the default;
// a factor of 0 or less keeps it. Scaling down is allowed too (a key shared with other
// processes that should leave them room).
func WithRaisedRateLimits(factor float64) Option {
	return func(c *Client) {
		if c.limits != nil && factor > 0 {
			c.limits = newScaledLimiterSet(factor)
		}
	}
}

// WithObserver registers fn to be called after every HTTP attempt, retries included.
func WithObserver(fn func(RequestInfo)) Option {
	return func(c *Client) { c.observer = fn }
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) {
		if ua = strings.TrimSpace(ua); ua != "" {
			c.userAgent = ua
		}
	}
}

// withClock replaces the time source and the wait function (rate limiter and retry backoff);
// tests use it to count waits without sleeping.
func withClock(now func() time.Time, sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) {
		c.now = now
		c.sleep = sleep
	}
}
