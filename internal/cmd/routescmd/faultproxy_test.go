package routescmd

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// faultProxy stands between the machines and the emulator on loopback and does to writes of
// the routes what Daily documents: some are refused with 429 and a (short) Retry-After, and
// some are applied but their answer is lost (the connection closes before it).
type faultProxy struct {
	URL                 string
	upstream            string
	share429, shareLost float64

	mu  sync.Mutex
	rnd *rand.Rand

	tooMany, lost atomic.Int64
}

func newFaultProxy(t *testing.T, upstream string, seed uint64, share429, shareLost float64) *faultProxy {
	t.Helper()
	p := &faultProxy{upstream: upstream, share429: share429, shareLost: shareLost, rnd: rand.New(rand.NewPCG(seed, 0x5eed))}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func isRoutesWrite(r *http.Request) bool {
	return r.Method != http.MethodGet && (r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, "/domain-dialin-config"))
}

func (p *faultProxy) draw() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rnd.Float64()
}

func (p *faultProxy) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fault := 1.0
	if isRoutesWrite(r) {
		fault = p.draw()
	}
	if fault < p.share429 {
		p.tooMany.Add(1)
		w.Header().Set("Retry-After", "0.05")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":"rate-limit-error","info":"too many requests"}`))
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if fault < p.share429+p.shareLost {
		// Applied upstream; the answer never arrives.
		p.lost.Add(1)
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}
