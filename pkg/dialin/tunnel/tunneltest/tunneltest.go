// Package tunneltest is a tunnel for tests: a reverse proxy on another loopback port, so
// that a webhook reaches serve the way it would through ngrok or cloudflared, and a test
// can cut it the way a tunnel drops. Nothing leaves the machine.
package tunneltest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/dialin-project/dialin/pkg/dialin/tunnel"
)

// Loopback opens loopback tunnels; the zero value is ready.
type Loopback struct {
	mu       sync.Mutex
	last     *tunnelEnd
	opened   atomic.Int64
	requests atomic.Int64
}

type tunnelEnd struct {
	h   *tunnel.Handle
	srv *http.Server
}

// Name implements tunnel.Provider.
func (*Loopback) Name() string { return "loopback" }

// Open implements tunnel.Provider: a reverse proxy to local on a new loopback port.
func (l *Loopback) Open(_ context.Context, local string) (tunnel.Tunnel, error) {
	target, err := url.Parse(local)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.requests.Add(1)
		proxy.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	h := tunnel.NewHandle("http://"+ln.Addr().String(), srv.Close)
	l.mu.Lock()
	l.last = &tunnelEnd{h: h, srv: srv}
	l.mu.Unlock()
	l.opened.Add(1)
	return h, nil
}

// Drop cuts the tunnel opened last, as a tunnel that drops by itself: its port stops
// answering and its Done is closed with tunnel.ErrDropped.
func (l *Loopback) Drop() {
	l.mu.Lock()
	end := l.last
	l.mu.Unlock()
	if end == nil {
		return
	}
	_ = end.srv.Close()
	end.h.Drop(errors.New("the loopback tunnel was cut"))
}

// Opened is how many tunnels were opened.
func (l *Loopback) Opened() int { return int(l.opened.Load()) }

// Requests is how many requests went through the tunnels.
func (l *Loopback) Requests() int { return int(l.requests.Load()) }
