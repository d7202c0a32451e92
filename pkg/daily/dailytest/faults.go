package dailytest

import (
	"net/http"
	"time"
)

// faults are the injected failures and latency. Server.mu guards them.
type faults struct {
	next      []failSpec // consumed one request at a time, in order
	rateShare float64
	rateCode  int
	latency   time.Duration
}

type failSpec struct {
	status     int
	retryAfter time.Duration
	method     string // "" for any; else only requests with this method (and path)
	path       string // "" for any; else only requests to this path (without /v1)
}

// matches reports whether the failure applies to a request.
func (f failSpec) matches(method, path string) bool {
	return (f.method == "" || f.method == method) && (f.path == "" || f.path == path)
}

// FailOption refines an injected failure.
type FailOption func(*failSpec)

// RetryAfter makes the injected answers carry a Retry-After header (whole seconds, rounded up).
func RetryAfter(d time.Duration) FailOption { return func(f *failSpec) { f.retryAfter = d } }

// OnRequest limits an injected failure to requests with this method and path (path as
// in Daily's documentation, without /v1; "" for any): a client that asks something else
// first (a purchase preceded by a look-up of what the domain owns) leaves it for the request
// it is meant for.
func OnRequest(method, path string) FailOption {
	return func(f *failSpec) { f.method, f.path = method, path }
}

// FailNext makes the next count authenticated API requests answer status with Daily's error
// body for that status (429 rate-limit-error, 5xx server-error, …). Calls queue up in order.
func (s *Server) FailNext(status, count int, opts ...FailOption) {
	spec := failSpec{status: status}
	for _, o := range opts {
		o(&spec)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for range count {
		s.faults.next = append(s.faults.next, spec)
	}
}

// FailRate makes a share (0..1) of authenticated API requests answer status, chosen by the
// server's seeded random source (WithSeed), so a run is reproducible. Share 0 turns it off.
func (s *Server) FailRate(share float64, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.rateShare, s.faults.rateCode = min(max(share, 0), 1), status
}

// SetLatency adds d to every API request from now on (0 turns it off).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.latency = max(d, 0)
}

func (s *Server) latency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.latency
}

// takeFault returns the injected failure for this request, if any: the first queued one
// that applies to it, else one drawn at the fail rate.
func (s *Server) takeFault(method, path string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	var spec failSpec
	queued := -1
	for i, f := range s.faults.next {
		if f.matches(method, path) {
			queued = i
			break
		}
	}
	switch {
	case queued >= 0:
		spec = s.faults.next[queued]
		s.faults.next = append(s.faults.next[:queued:queued], s.faults.next[queued+1:]...)
	case s.faults.rateShare > 0 && s.rnd.Float64() < s.faults.rateShare:
		spec = failSpec{status: s.faults.rateCode}
	default:
		return nil
	}
	if spec.status < 400 || spec.status > 599 {
		spec.status = http.StatusInternalServerError
	}
	return &apiError{status: spec.status, kind: errorKindFor(spec.status),
		info: "injected fault (dailytest)", retryAfter: spec.retryAfter}
}
