package serve

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// faultProxy stands between serve and the emulator and breaks Daily's answers to the
// requests it targets: a share answered 503 before reaching the emulator, and a share
// "lost" — passed on and applied by the emulator, then the connection closed before the
// answer, as when a network drops it. Everything else passes unchanged.
type faultProxy struct {
	t      *testing.T
	target string // the emulator's root URL (without /v1)
	hs     *httptest.Server
	match  func(*http.Request) bool

	mu                  sync.Mutex
	rnd                 *rand.Rand
	share503, shareLost float64
	// always, when set, decides a targeted request's fate instead of the shares: "lost",
	// "refuse" (400) or "" (passes).
	always   func(*http.Request) string
	injected map[string]int // "503 POST /v1/rooms", "lost …"
}

func newFaultProxy(t *testing.T, emuURL string, match func(*http.Request) bool) *faultProxy {
	p := &faultProxy{t: t, target: strings.TrimSuffix(emuURL, "/v1"), match: match,
		rnd: rand.New(rand.NewPCG(10, 20)), injected: map[string]int{}}
	p.hs = httptest.NewServer(p)
	t.Cleanup(p.hs.Close)
	return p
}

// URL is the proxy's API base URL, for a daily.Client.
func (p *faultProxy) URL() string { return p.hs.URL + "/v1" }

func (p *faultProxy) faults(share503, shareLost float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.share503, p.shareLost = share503, shareLost
}

func (p *faultProxy) decideAlways(fn func(*http.Request) string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.always = fn
}

func (p *faultProxy) count(kind string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for k, v := range p.injected {
		if strings.HasPrefix(k, kind+" ") {
			n += v
		}
	}
	return n
}

// decide picks what happens to a targeted request: "" (passes), "503", "lost" or "refuse".
// Set always (under mu) before the requests it should decide.
func (p *faultProxy) decide(r *http.Request) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	kind := ""
	switch x := p.rnd.Float64(); {
	case p.always != nil:
		kind = p.always(r)
	case x < p.share503:
		kind = "503"
	case x < p.share503+p.shareLost:
		kind = "lost"
	}
	if kind != "" {
		p.injected[kind+" "+r.Method+" "+r.URL.Path]++
	}
	return kind
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind := ""
	if p.match(r) {
		kind = p.decide(r)
	}
	switch kind {
	case "503":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"error":"server-error","info":"injected by the test's proxy"}`)
		return
	case "refuse":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid-request-error","info":"refused by the test's proxy"}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		p.t.Error(err)
		return
	}
	out.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body) // the emulator has applied the request
	if kind == "lost" {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			p.t.Error(err)
			return
		}
		conn.Close()
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(answer)
}
