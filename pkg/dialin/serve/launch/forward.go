package launch

import (
	"context"
	"errors"
	"net/http"
	"net/textproto"
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
	header := http.Header{}
	for name, values := range call.Header {
		if name = textproto.CanonicalMIMEHeaderKey(name); strings.HasPrefix(name, "X-Pinless-") {
			header[name] = append([]string(nil), values...)
		}
	}
	var answer startAnswer
	status, err := f.retry.retry(ctx, call.WaitUntil, func(ctx context.Context) (int, error) {
		return postOnce(ctx, f.cfg.Client, f.cfg.URL, f.cfg.Timeout, header, call.Body, "the forward URL", &answer)
	})
	if err != nil {
		return nil, err
	}
	return &Started{Room: answer.DailyRoom, SessionID: answer.SessionID, Status: status}, nil
}
