package dailytest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a running emulator. Its zero value is not usable; use New or Start.
type Server struct {
	// URL is the base URL clients use, like Daily's https://api.daily.co/v1:
	// "http://127.0.0.1:PORT/v1".
	URL string
	// APIKey is the Bearer key the server accepts.
	APIKey string

	domainName string
	domainID   string
	clock      Clock
	offset     atomic.Int64 // nanoseconds added to the clock by Advance
	handler    http.Handler
	httpServer *http.Server
	limiter    *rateLimiter
	outbound   *http.Client

	holdTimeout time.Duration
	readyDelay  time.Duration
	timers      timers
	unwatch     func() // stops a ManualClock from waking this server's timers

	// bg tracks outbound deliveries; Close cancels and waits for them.
	bg       sync.WaitGroup
	bgCtx    context.Context
	bgCancel context.CancelFunc

	mu sync.Mutex // guards everything below
	state
	closed     bool
	rnd        *rand.Rand
	faults     faults
	requests   []Request
	deliveries []Delivery
}

// TB is the part of testing.TB that New uses; a *testing.T or *testing.B is one. It is an
// interface of our own so that the emulator, which ships in the dialin binary (dialin
// emulator, dialin demo), does not link the testing package.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// New starts an emulator on 127.0.0.1 with a random port and closes it when the test ends.
func New(tb TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start("127.0.0.1:0", opts...)
	if err != nil {
		tb.Fatalf("dailytest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves the emulator until Close.
func Start(addr string, opts ...Option) (*Server, error) {
	s := newServer(opts...)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.URL = "http://" + dialableAddr(ln.Addr()) + "/v1"
	s.httpServer = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.httpServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener failed; requests will fail visibly on the client side
		}
	}()
	return s, nil
}

// dialableAddr turns a wildcard listen address into one a client can dial.
func dialableAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}

func newServer(opts ...Option) *Server {
	cfg := settings{domainName: "dailytest", domainID: newUUID(), clock: realClock{}, rateLimit: true, seed: 1,
		hold: DefaultHoldTimeout, readyDelay: DefaultReadyDelay}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.apiKey == "" {
		cfg.apiKey = randomHex(32)
	}
	s := &Server{
		APIKey:     cfg.apiKey,
		domainName: cfg.domainName,
		domainID:   cfg.domainID,
		clock:      cfg.clock,
		outbound:   newLoopbackClient(),
		rnd:        rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15)),

		holdTimeout: cfg.hold,
		readyDelay:  cfg.readyDelay,
	}
	if mc, ok := cfg.clock.(*ManualClock); ok {
		s.unwatch = mc.watch(s.fireDue)
	}
	s.bgCtx, s.bgCancel = context.WithCancel(context.Background())
	if cfg.rateLimit {
		s.limiter = newRateLimiter(time.Now)
	}
	s.faults.latency = cfg.latency
	s.state = newState(cfg)
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s
}

// Close stops the server and waits for outbound deliveries to finish or be cancelled.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	if s.httpServer != nil {
		_ = s.httpServer.Close()
	}
	s.stopTimers()
	if s.unwatch != nil {
		s.unwatch()
	}
	s.bgCancel()
	s.bg.Wait()
}

// Handler returns the emulator's handler (the /v1 API and the /_emulator control endpoints),
// for mounting it in another server.
func (s *Server) Handler() http.Handler { return s.handler }

// DomainID is the domain's UUID (meeting tokens carry it in the "d" claim).
func (s *Server) DomainID() string { return s.domainID }

// DomainName is the domain's name (room URLs are https://<name>.daily.co/<room>).
func (s *Server) DomainName() string { return s.domainName }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/v1" || strings.HasPrefix(p, "/v1/"):
		escaped := normalizePath(strings.TrimPrefix(r.URL.EscapedPath(), "/v1"))
		s.serveAPI(w, r, normalizePath(strings.TrimPrefix(p, "/v1")), escaped)
	case strings.HasPrefix(p, "/_emulator/"):
		s.serveControl(w, r)
	default:
		writeError(w, notFound("unknown path %s; the API is served under /v1", p))
	}
}

func normalizePath(p string) string {
	if p == "" {
		return "/"
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// serveAPI runs one /v1 request: latency, auth, faults, routing, rate limit, handler.
// path is the decoded path (recorded), escaped the raw one (matched, so "%2F" stays in a segment).
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, path, escaped string) {
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() { s.logRequest(r.Method, path, r.URL.RawQuery, rec.status) }()

	if d := s.latency(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			rec.status = 499 // client went away; recorded, nothing written
			return
		}
	}
	if e := s.authenticate(r); e != nil {
		writeError(rec, e)
		return
	}
	if e := s.takeFault(r.Method, path); e != nil {
		writeError(rec, e)
		return
	}
	rt, params, e := matchRoute(r.Method, escaped)
	if e != nil {
		writeError(rec, e)
		return
	}
	if e := s.limiter.allow(rt.class); e != nil {
		writeError(rec, e)
		return
	}
	body, e := rt.handle(s, r, params)
	switch {
	case e != nil:
		writeError(rec, e)
	case body == (noBody{}):
		rec.WriteHeader(http.StatusOK)
	default:
		writeJSON(rec, http.StatusOK, body)
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
