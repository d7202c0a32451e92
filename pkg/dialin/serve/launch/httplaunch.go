package launch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"
)

// HTTPConfig configures a launcher that hands calls to a bot runner over HTTP.
type HTTPConfig struct {
	// URL receives POST with the call as JSON (CallInfo) and an Idempotency-Key header set
	// to the callId; any 2xx means the runner took the call.
	URL string
	// Timeout bounds each attempt; 0 means 10 s.
	Timeout time.Duration
	// Attempts counts tries in all; only connection errors (nothing reached the runner) are
	// retried, since a runner that got the call may have started a bot. 0 means 3.
	Attempts int
	// Backoff is the wait before the second attempt, doubled after; 0 means 100 ms.
	Backoff time.Duration
	// Client is the HTTP client; nil means a client without redirects.
	Client *http.Client
}

// HTTP hands each call to a bot runner.
type HTTP struct {
	cfg HTTPConfig
}

// NewHTTP checks the URL (absolute http or https).
func NewHTTP(cfg HTTPConfig) (*HTTP, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("bot url %q must be an absolute http or https URL", RedactURL(cfg.URL))
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 3
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 100 * time.Millisecond
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &HTTP{cfg: cfg}, nil
}

// RedactURL is a bot runner URL as serve prints and logs it: without its user name and
// password, and with the value of every query parameter replaced (an api_key=… stays
// secret). A URL that does not parse is replaced whole.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL redacted]"
	}
	if u.User != nil {
		u.User = url.User("redacted")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"redacted"}
		}
		u.RawQuery = q.Encode()
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// Launch POSTs the call; it returns a Bot with no PID and no Exited channel.
func (h *HTTP) Launch(ctx context.Context, call CallInfo) (*Bot, error) {
	body := call.JSON()
	wait := h.cfg.Backoff
	var err error
	for attempt := 1; attempt <= h.cfg.Attempts; attempt++ {
		if attempt > 1 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(wait):
			}
			wait *= 2
		}
		err = h.post(ctx, call.CallID, body)
		if err == nil {
			return &Bot{}, nil
		}
		if !notConnected(err) {
			break
		}
	}
	return nil, err
}

func (h *HTTP) post(ctx context.Context, callID string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, h.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", callID)
	resp, err := h.cfg.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is known to the operator; keep the message short
		}
		return &runnerError{err: err}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("bot runner answered %s", resp.Status)
	}
	return nil
}

// runnerError is a request that got no answer; what, when set, names the server for a
// message that does not claim it was unreachable (it may have had the request).
type runnerError struct {
	err  error
	what string
}

func (e *runnerError) Error() string {
	if e.what != "" {
		return "no answer from " + e.what + ": " + e.err.Error()
	}
	return "bot runner unreachable: " + e.err.Error()
}
func (e *runnerError) Unwrap() error { return e.err }

// notConnected reports whether err means the request never reached the runner: the
// connection was refused or could not be made. A timeout or reset after connecting is not
// retried, since the runner may already have the call.
func notConnected(err error) bool {
	var re *runnerError
	if !errors.As(err, &re) {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
