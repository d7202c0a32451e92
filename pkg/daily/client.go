package daily

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// DefaultBaseURL is the root of Daily's REST API.
const DefaultBaseURL = "https://api.daily.co/v1"

// DefaultUserAgent is sent when WithUserAgent is not used.
const DefaultUserAgent = "dialin-daily-go"

// maxResponseBytes bounds how much of a response body is read; Daily's answers are small.
const maxResponseBytes = 8 << 20

// Client calls Daily's REST API. It is safe for concurrent use.
type Client struct {
	apiKey    string
	baseURL   string
	http      *http.Client
	log       *slog.Logger
	debug     *debugLog
	retry     RetryPolicy
	limits    *limiterSet
	observer  func(RequestInfo)
	userAgent string
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error
}

// New returns a client that authenticates with apiKey.
func New(apiKey string, opts ...Option) *Client {
	c := &Client{
		apiKey:    apiKey,
		baseURL:   DefaultBaseURL,
		http:      &http.Client{Timeout: 30 * time.Second},
		log:       slog.New(slog.DiscardHandler),
		retry:     RetryPolicy{}.withDefaults(),
		limits:    newLimiterSet(),
		userAgent: DefaultUserAgent,
		now:       time.Now,
		sleep:     Sleep,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// BaseURL is the API root the client talks to, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

// request is one logical API call; its body is kept as bytes so every attempt can resend it.
type request struct {
	method string
	path   string // escaped, relative to the base URL, starting with "/"
	query  url.Values
	body   []byte // nil: no body
	// once: a single attempt, whatever the answer. Writes that replace what another writer may
	// have changed meanwhile (the routes) are re-sent only by a caller that re-reads first.
	once bool
}

// idempotent reports whether a 5xx or a connection error may be retried: a POST may have
// taken effect (a purchase, a room, a patched call) even when its answer was lost.
func (r *request) idempotent() bool {
	switch r.method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// response is a completed HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// TransportError is a request that got no HTTP answer (connection refused, reset, timeout).
// For a POST the request may or may not have reached Daily.
type TransportError struct {
	Method string
	Path   string
	Err    error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("daily: %s %s: %v", e.Method, e.Path, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// do sends in (nil, raw []byte or a value to encode as JSON) and decodes a 2xx answer into out.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	return c.doRequest(ctx, &request{method: method, path: path, query: query}, in, out)
}

// doOnce is do with a single attempt: no retry after a 429, a 5xx or a lost answer. The
// error of a 429 or 503 carries Daily's Retry-After (APIError.RetryAfter), so that the
// caller can wait it out, re-read and decide again before it writes again.
func (c *Client) doOnce(ctx context.Context, method, path string, query url.Values, in, out any) error {
	return c.doRequest(ctx, &request{method: method, path: path, query: query, once: true}, in, out)
}

func (c *Client) doRequest(ctx context.Context, r *request, in, out any) error {
	method, path := r.method, r.path
	switch v := in.(type) {
	case nil:
	case []byte:
		r.body = v
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("daily: %s %s: encoding request: %w", method, redactPath(path), err)
		}
		r.body = b
	}
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	if out == nil || len(bytes.TrimSpace(resp.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fmt.Errorf("daily: %s %s: decoding response: %w", method, redactPath(path), err)
	}
	return nil
}

// send runs the attempts of r: rate limit, exchange, and retry per the policy.
func (c *Client) send(ctx context.Context, r *request) (*response, error) {
	for attempt := 1; ; attempt++ {
		if err := c.limits.wait(ctx, c, r.method, r.path); err != nil {
			return nil, err
		}
		resp, err := c.attempt(ctx, r, attempt)
		if err == nil && resp.status >= 200 && resp.status < 300 {
			return resp, nil
		}
		if err != nil && ctx.Err() != nil {
			return nil, &TransportError{Method: r.method, Path: redactPath(r.path), Err: ctx.Err()}
		}
		delay, retry := c.retryDelay(r, resp, err, attempt)
		if !retry || attempt >= c.retry.MaxAttempts {
			if err != nil {
				return nil, &TransportError{Method: r.method, Path: redactPath(r.path), Err: err}
			}
			e := c.apiError(r, resp)
			e.RetryAfter, _ = parseRetryAfter(resp.header.Get("Retry-After"), c.now())
			return nil, e
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "daily: retrying request",
			slog.String("method", r.method), slog.String("path", redactPath(r.path)),
			slog.Int("status", statusOf(resp)), slog.Int("attempt", attempt),
			slog.Duration("delay", delay), slog.String("error", errString(err)))
		if err := c.sleep(ctx, delay); err != nil {
			return nil, err
		}
	}
}

// attempt performs one HTTP exchange. A non-nil error means no HTTP answer arrived.
func (c *Client) attempt(ctx context.Context, r *request, n int) (*response, error) {
	u := c.baseURL + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.debug.request(c, req, r.body, n)

	start := time.Now()
	hr, err := c.http.Do(req)
	var resp *response
	if err == nil {
		var b []byte
		b, err = io.ReadAll(io.LimitReader(hr.Body, maxResponseBytes))
		_ = hr.Body.Close()
		resp = &response{status: hr.StatusCode, header: hr.Header, body: b}
		if err != nil {
			resp = nil
		}
	}
	err = unwrapURLError(err)
	dur := time.Since(start)

	c.debug.response(c, r, resp, err, dur)
	c.log.LogAttrs(ctx, slog.LevelDebug, "daily: request",
		slog.String("method", r.method), slog.String("path", redactPath(r.path)),
		slog.Int("status", statusOf(resp)), slog.Duration("duration", dur),
		slog.Int("attempt", n), slog.String("error", errString(err)))
	if c.observer != nil {
		c.observer(RequestInfo{Method: r.method, Path: redactPath(r.path), Status: statusOf(resp),
			Duration: dur, Err: err, Attempt: n})
	}
	return resp, err
}

// unwrapURLError drops *url.Error's wrapper, whose text repeats the full URL (and with it
// a meeting token being validated).
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func statusOf(r *response) int {
	if r == nil {
		return 0
	}
	return r.status
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
