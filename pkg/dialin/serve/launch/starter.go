package launch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/loopback"
)

// DialinCall is a verified dial-in webhook, for bots that make their own room: Pipecat's
// runner and Pipecat Cloud (/start), or any existing dial-in handler (forward).
type DialinCall struct {
	CallID     string
	CallDomain string
	From, To   string
	SIPHeaders map[string]string
	// Room is the call's room settings (from its rule) for a /start body.
	Room StartRoom
	// WaitUntil is how long the call may wait for a full pool or an unreachable server
	// (serve's queue timeout); zero: one try.
	WaitUntil time.Time
	// Body and Header are Daily's webhook as received (raw body, X-Pinless-* headers), for
	// forward.
	Body   []byte
	Header http.Header
}

// StartRoom is the room a /start body asks for.
type StartRoom struct {
	DisplayName  string        // sip.display_name: the caller, cleaned (serve.DisplayName)
	NumEndpoints int           // sip.num_endpoints; 0: 1
	Exp          time.Duration // the room's lifetime; exp is now plus this, in whole seconds
	Video        bool
}

// Started is what a bot that makes its own room answered. The meeting token it may also
// answer is dropped here, so it is never recorded.
type Started struct {
	Room      string // dailyRoom, when the answer says
	SessionID string // sessionId, when the answer says
	Status    int    // the HTTP status of the answer that took the call
}

// Starter hands a call to a bot that makes its own room. Start returns once the call was
// taken or refused. An answer of 429 (the pool is full) and a request that never reached
// the server are retried with backoff until call.WaitUntil (serve's queue timeout); nothing
// else is, because a start that reached the server may have started a bot.
type Starter interface {
	Start(ctx context.Context, call DialinCall) (*Started, error)
}

// ErrPoolFull is returned when the pool was still full (HTTP 429) at the call's WaitUntil.
var ErrPoolFull = errors.New("the agent's pool stayed full (HTTP 429) until the call's queue timeout")

// StatusError is an answer that refuses the call for good.
type StatusError struct {
	Status int
	What   string // "Pipecat Cloud", "the Pipecat runner", "the forward URL"
}

func (e *StatusError) Error() string {
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Sprintf("%s refused the API key (HTTP %d)", e.What, e.Status)
	}
	return fmt.Sprintf("%s answered HTTP %d", e.What, e.Status)
}

// retryPolicy is the backoff between attempts of a start.
type retryPolicy struct {
	first, max time.Duration
}

func (p retryPolicy) withDefaults() retryPolicy {
	if p.first <= 0 {
		p.first = 250 * time.Millisecond
	}
	if p.max <= 0 {
		p.max = 5 * time.Second
	}
	return p
}

// attempt is one request: its status (0 if none came) and error.
type attempt func(ctx context.Context) (status int, err error)

// retry runs try until it succeeds or fails for good. Only a 429 and a request that never
// reached the server are tried again, while the next try would start before until (zero:
// no retries) and ctx lasts; the first try is always made.
func (p retryPolicy) retry(ctx context.Context, until time.Time, try attempt) (int, error) {
	wait := p.first
	for {
		status, err := try(ctx)
		if err == nil {
			return status, nil
		}
		if status != http.StatusTooManyRequests && !notConnected(err) {
			return status, err
		}
		giveUp := func() (int, error) {
			if status == http.StatusTooManyRequests {
				return status, ErrPoolFull
			}
			return status, fmt.Errorf("%w (retried until the call's queue timeout)", err)
		}
		if time.Now().Add(wait).After(until) {
			return giveUp()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return giveUp()
		case <-t.C:
		}
		wait = min(2*wait, p.max)
	}
}

// checkStartURL accepts https, and plain http only to a loopback host: a /start body carries
// the Daily API key. Its errors show the URL redacted (RedactURL): they reach logs and CI.
func checkStartURL(raw, what string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s %q must be an absolute http or https URL", what, RedactURL(raw))
	}
	if u.Scheme == "http" && !loopback.Host(u.Hostname()) {
		return nil, fmt.Errorf("%s %q: plain http is allowed only to a loopback host; use https (the request carries keys)", what, RedactURL(raw))
	}
	return u, nil
}

func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// startAnswer is the part of a /start (or dial-in handler) answer that serve records.
type startAnswer struct {
	DailyRoom string `json:"dailyRoom"`
	SessionID string `json:"sessionId"`
}

// postOnce is one attempt: POST body to target with header, within timeout. A request that
// got no answer is a *runnerError (notConnected tells whether it reached the server); a
// non-2xx answer is a *StatusError naming what.
func postOnce(ctx context.Context, client *http.Client, target string, timeout time.Duration, header http.Header, body []byte, what string, answer *startAnswer) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for name, values := range header {
		req.Header[name] = values
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is the operator's; keep the message short
		}
		return 0, &runnerError{err: err, what: what}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, &StatusError{Status: resp.StatusCode, What: what}
	}
	_ = json.Unmarshal(raw, answer) // the room and session are for the record only
	return resp.StatusCode, nil
}
