package launch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// ForwardConfig configures a launcher that passes Daily's dial-in webhook on, unchanged, to
// an existing handler: Pipecat's runner /daily-dialin-webhook, Pipecat Cloud's hosted
// webhook, or a team's own server.
type ForwardConfig struct {
	// URL receives the raw body with Daily's X-Pinless-* headers. https, or plain http to a
	// loopback host only.
	URL     string
	Timeout time.Duration // per attempt; 0: 30 s
	Backoff time.Duration // first wait after a 429 or an unreachable handler; 0: 250 ms
	Client  *http.Client  // nil: a client without redirects
}

// Forward hands each call's webhook to another handler.
type Forward struct {
	cfg   ForwardConfig
	retry retryPolicy
}

// NewForward checks the URL.
func NewForward(cfg ForwardConfig) (*Forward, error) {
	if _, err := checkStartURL(cfg.URL, "forward url"); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = noRedirects()
	}
	return &Forward{cfg: cfg, retry: retryPolicy{first: cfg.Backoff}.withDefaults()}, nil
}

// Start POSTs call.Body with the X-Pinless-* headers of call.Header, so the handler can
// verify Daily's signature itself. A 2xx takes the call; dailyRoom and sessionId are read
// from the answer when it has them (Pipecat's handlers answer like /start).
func (f *Forward) Start(ctx context.Context, call DialinCall) (*Started, error) {
	if len(call.Body) == 0 {
		return nil, errors.New("forward: the call has no webhook body to forward")
	}
	var answer struct {
		DailyRoom string `json:"dailyRoom"`
		SessionID string `json:"sessionId"`
	}
	status, err := f.retry.retry(ctx, func(ctx context.Context) (int, error) {
		return f.post(ctx, call, &answer)
	})
	if err != nil {
		return nil, err
	}
	return &Started{Room: answer.DailyRoom, SessionID: answer.SessionID, Status: status}, nil
}

func (f *Forward) post(ctx context.Context, call DialinCall, answer any) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.cfg.URL, bytes.NewReader(call.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	for name, values := range call.Header {
		if strings.HasPrefix(textproto.CanonicalMIMEHeaderKey(name), "X-Pinless-") {
			req.Header[textproto.CanonicalMIMEHeaderKey(name)] = append([]string(nil), values...)
		}
	}
	resp, err := f.cfg.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, &runnerError{err: fmt.Errorf("the forward URL: %w", err)}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, &StatusError{Status: resp.StatusCode, What: "the forward URL"}
	}
	_ = json.Unmarshal(raw, answer)
	return resp.StatusCode, nil
}
