package serve

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// DefaultMaxConns caps serve's open webhook connections: far under the usual fd limit
// (1024 soft, often 65536), far over what Daily's webhooks of one domain need.
const DefaultMaxConns = 512

// Connections past the cap are read by a few overflow handlers, each for at most
// overflowDeadline: they answer /healthz and /readyz, and 503 to anything else.
const (
	overflowHandlers = 16
	overflowDeadline = 2 * time.Second
)

// LimitListener caps the connections l hands out at max. It keeps accepting past the cap,
// so that the kernel's queue never fills and the process never runs out of descriptors:
// such a connection is answered by health (for /healthz and /readyz, so probes keep
// working while the webhook path is saturated) or 503 with Retry-After, then closed; when
// overflowHandlers are busy it is closed at once.
func LimitListener(l net.Listener, max int, health http.Handler) net.Listener {
	if max <= 0 {
		max = DefaultMaxConns
	}
	return &limitListener{Listener: l, slots: make(chan struct{}, max), overflow: make(chan struct{}, overflowHandlers), health: health}
}

type limitListener struct {
	net.Listener
	slots    chan struct{}
	overflow chan struct{}
	health   http.Handler
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &slotConn{Conn: c, release: func() { <-l.slots }}, nil
		default:
		}
		select {
		case l.overflow <- struct{}{}:
			go func() {
				defer func() { <-l.overflow }()
				l.answerOverflow(c)
			}()
		default:
			c.Close()
		}
	}
}

// answerOverflow serves one request on a connection over the cap and closes it.
func (l *limitListener) answerOverflow(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(overflowDeadline))
	req, err := http.ReadRequest(bufio.NewReaderSize(c, 4096))
	if err != nil {
		return
	}
	w := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
	if req.Method == http.MethodGet && (req.URL.Path == "/healthz" || req.URL.Path == "/readyz") && l.health != nil {
		l.health.ServeHTTP(w, req)
	} else {
		w.header.Set("Retry-After", "1")
		writeReply(w, http.StatusServiceUnavailable, reply{Status: "unavailable", Reason: "too many open connections"})
	}
	fmt.Fprintf(c, "HTTP/1.1 %d %s\r\n", w.status, http.StatusText(w.status))
	w.header.Set("Content-Length", fmt.Sprint(w.body.Len()))
	w.header.Set("Connection", "close")
	_ = w.header.Write(c)
	_, _ = c.Write([]byte("\r\n"))
	_, _ = c.Write(w.body.Bytes())
}

// bufferedResponse collects an overflow answer before it is written whole.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }

// slotConn gives its slot back when closed, once.
type slotConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// HealthHandler serves /healthz and /readyz only (for LimitListener's overflow).
func (s *Server) HealthHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", s.serveHealth)
	mux.HandleFunc("/readyz", s.serveReady)
	return mux
}
