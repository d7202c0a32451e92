// Package tunnel gives a server on this machine's loopback a public URL, for `dialin dev`:
// Daily must reach the webhook of a bot running on a laptop. A tunnel is a choice, never a
// dependency: the user's own tunnel (Static, --public-url), ngrok embedded (Ngrok, with
// golang.ngrok.com/ngrok/v2), or a cloudflared child process (Cloudflared). Tests use
// tunneltest.Loopback, a reverse proxy on another loopback port.
package tunnel

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// Provider opens tunnels.
type Provider interface {
	// Name says what the tunnel is, for messages ("ngrok", "cloudflared", "--public-url").
	Name() string
	// Open makes local (an http://127.0.0.1:PORT URL) reachable at a public URL, until the
	// tunnel is closed or drops. ctx bounds the opening only.
	Open(ctx context.Context, local string) (Tunnel, error)
}

// Tunnel is an open tunnel.
type Tunnel interface {
	// URL is the public base URL (scheme and host, no trailing slash) that reaches local.
	URL() string
	// Done is closed when the tunnel stops: closed, or dropped (then Err says why).
	Done() <-chan struct{}
	// Err is why the tunnel stopped by itself; nil while it runs or after Close.
	Err() error
	// Close stops the tunnel; it may be called more than once.
	Close() error
}

// ErrDropped is wrapped by Err of a tunnel that stopped without being closed.
var ErrDropped = errors.New("the tunnel dropped")

// Static is a tunnel the user runs (ngrok, cloudflared, a reverse proxy of their own) and
// names with --public-url: dialin cannot see it drop.
type Static struct {
	// PublicURL is the base URL that reaches the local server.
	PublicURL string
}

// Name implements Provider.
func (Static) Name() string { return "--public-url" }

// Open implements Provider: the URL is taken as given (CheckPublicURL checks it first).
func (s Static) Open(context.Context, string) (Tunnel, error) {
	return NewHandle(strings.TrimRight(s.PublicURL, "/"), nil), nil
}

// CheckPublicURL checks a public base URL by the rule of every URL Daily calls
// (routes.CheckWebhookURL: https, or loopback http with allowHTTP), without a query or
// fragment since serve's webhook path is added to it. The flag is the caller's to name.
func CheckPublicURL(raw string, allowHTTP bool) error {
	if why := routes.CheckWebhookURL(raw, allowHTTP); why != "" {
		return errors.New(why)
	}
	if u, _ := url.Parse(raw); u.RawQuery != "" || u.Fragment != "" {
		return errors.New("must be a base URL without a query or fragment; serve's webhook path is added to it")
	}
	return nil
}

// Handle is a Tunnel whose stopping is driven by its provider: Drop when it fails, with
// a close function for Close. Providers outside this package (tests) use it too.
type Handle struct {
	url     string
	closeFn func() error
	done    chan struct{}

	mu        sync.Mutex
	err       error
	closed    bool
	closeOnce sync.Once
	closeErr  error
}

// NewHandle returns a running tunnel at url; closeFn (may be nil) releases what it holds.
func NewHandle(url string, closeFn func() error) *Handle {
	return &Handle{url: url, closeFn: closeFn, done: make(chan struct{})}
}

// URL implements Tunnel.
func (h *Handle) URL() string { return h.url }

// Done implements Tunnel.
func (h *Handle) Done() <-chan struct{} { return h.done }

// Err implements Tunnel.
func (h *Handle) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// Drop marks the tunnel stopped by itself because of why (wrapped with ErrDropped).
func (h *Handle) Drop(why error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	h.err = fmt.Errorf("%w: %v", ErrDropped, why)
	close(h.done)
}

// Close implements Tunnel.
func (h *Handle) Close() error {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
	h.mu.Unlock()
	h.closeOnce.Do(func() {
		if h.closeFn != nil {
			h.closeErr = h.closeFn()
		}
	})
	return h.closeErr
}
