package dailytest

import (
	"strings"
	"time"
)

// maxLogged bounds the request and delivery logs of a long-running emulator; the oldest
// entries are dropped first.
const maxLogged = 10000

// tokenPathPrefix: meeting tokens in GET /meeting-tokens/:token are secrets, so the log keeps
// the route, not the token.
const tokenPathPrefix = "/meeting-tokens/"

// Request is one API request the emulator answered. The path of GET /meeting-tokens/:token is
// recorded as "/meeting-tokens/:token" so the log never holds a token.
type Request struct {
	Method string    `json:"method"`
	Path   string    `json:"path"` // without the /v1 prefix, e.g. "/rooms/foo"; the root is "/"
	Query  string    `json:"query"`
	Status int       `json:"status"`
	At     time.Time `json:"at"` // server clock when the answer was written
}

func (s *Server) logRequest(method, path, query string, status int) {
	at := s.now()
	if strings.HasPrefix(path, tokenPathPrefix) && len(path) > len(tokenPathPrefix) {
		path = tokenPathPrefix + ":token"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = appendBounded(s.requests, Request{Method: method, Path: path, Query: query, Status: status, At: at})
}

func appendBounded[T any](log []T, v T) []T {
	if len(log) >= maxLogged {
		log = append(log[:0:0], log[len(log)-maxLogged+1:]...)
	}
	return append(log, v)
}

// Requests returns a copy of every API request answered since start or ResetRequests.
// Control requests (/_emulator/…) are not included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count returns how many requests matched method and path exactly (path without /v1).
// An empty method matches any method.
func (s *Server) Count(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if (method == "" || r.Method == method) && r.Path == path {
			n++
		}
	}
	return n
}

// CountBefore is Count over the requests answered before the first one of method
// beforeMethod on path beforePath (all of them when there is none): what a client asked
// before it wrote, for example.
func (s *Server) CountBefore(method, path, beforeMethod, beforePath string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Method == beforeMethod && r.Path == beforePath {
			break
		}
		if (method == "" || r.Method == method) && r.Path == path {
			n++
		}
	}
	return n
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}
