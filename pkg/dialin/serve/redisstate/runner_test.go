package redisstate_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/standin"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/botcall"
)

// botRunner is a bot runner over HTTP (serve's `bot: {url: …}`): it takes each call and runs
// the stand-in bot for it against the emulator — report bot_started, join, wait for the SIP
// endpoint, patch (patch: bot), stay talk long (or until the call ends), leave. It lives in
// the test process, so its bots outlive a replica that is killed, as real bots would.
type botRunner struct {
	hs   *httptest.Server
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu       sync.Mutex
	calls    map[string]int // callId → times handed over
	inside   int            // bots running now
	most     int
	problems []string
}

func newBotRunner(t *testing.T, emu *dailytest.Server, patch bool, talk time.Duration) *botRunner {
	b := &botRunner{calls: map[string]int{}}
	b.ctx, b.stop = context.WithCancel(context.Background())
	b.hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		call, err := botcall.Read(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		b.mu.Lock()
		b.calls[call.CallID]++
		b.inside++
		b.most = max(b.most, b.inside)
		b.mu.Unlock()
		b.wg.Add(1)
		// A bot is out once it starts leaving: its leave frees its slot, and the next call's
		// bot may arrive before this Run returns.
		out := sync.OnceFunc(func() { b.mu.Lock(); b.inside--; b.mu.Unlock() })
		go func() {
			defer b.wg.Done()
			err := standin.Run(b.ctx, standin.Options{
				RoomURL: call.RoomURL, Token: call.Token, CallID: call.CallID, CallDomain: call.CallDomain, SIPURI: call.SIPURI,
				APIURL: emu.URL, APIKey: emu.APIKey, Patch: patch, TalkTime: talk, Leaving: out,
			})
			out()
			b.mu.Lock()
			defer b.mu.Unlock()
			if err != nil && !errors.Is(err, context.Canceled) {
				b.problems = append(b.problems, call.CallID+": "+err.Error())
			}
		}()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(func() {
		b.stop()
		b.wg.Wait()
		b.hs.Close()
	})
	return b
}

func (b *botRunner) url() string { return b.hs.URL + "/start" }

func (b *botRunner) launches(callID string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls[callID]
}

// stats: calls handed over, the most bots running at once, and what went wrong.
func (b *botRunner) stats() (calls, most int, problems []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.calls), b.most, append([]string(nil), b.problems...)
}

// balancer is a load balancer in front of replicas: round robin, skipping a backend that
// refuses the connection (nothing was sent, so the next may take it), like a balancer with
// passive health checks. With tee, every request goes to every backend at once (a delivery
// repeated to all replicas) and the first answer is returned.
type balancer struct {
	hs       *httptest.Server
	backends []string
	tee      bool

	mu      sync.Mutex
	next    int
	answers [][]byte // with tee: every backend's answer bodies
}

func newBalancer(t *testing.T, tee bool, backends ...string) *balancer {
	lb := &balancer{backends: backends, tee: tee}
	lb.hs = httptest.NewServer(http.HandlerFunc(lb.serve))
	t.Cleanup(lb.hs.Close)
	return lb
}

func (lb *balancer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if lb.tee {
		lb.serveTee(w, r, body)
		return
	}
	for range lb.backends {
		lb.mu.Lock()
		backend := lb.backends[lb.next%len(lb.backends)]
		lb.next++
		lb.mu.Unlock()
		resp, err := forward(r, backend, body)
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			continue
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		copyResponse(w, resp)
		return
	}
	http.Error(w, "no backend up", http.StatusBadGateway)
}

func (lb *balancer) serveTee(w http.ResponseWriter, r *http.Request, body []byte) {
	type answer struct {
		resp *http.Response
		body []byte
		err  error
	}
	out := make(chan answer, len(lb.backends))
	for _, backend := range lb.backends {
		go func() {
			resp, err := forward(r, backend, body)
			if err != nil {
				out <- answer{err: err}
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			out <- answer{resp: resp, body: b}
		}()
	}
	var first *answer
	for range lb.backends {
		a := <-out
		if a.err == nil {
			lb.mu.Lock()
			lb.answers = append(lb.answers, a.body)
			lb.mu.Unlock()
			if first == nil {
				first = &a
			}
		}
	}
	if first == nil {
		http.Error(w, "no backend answered", http.StatusBadGateway)
		return
	}
	first.resp.Body = io.NopCloser(bytes.NewReader(first.body))
	copyResponse(w, first.resp)
}

func forward(r *http.Request, base string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, base+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	return http.DefaultTransport.RoundTrip(req)
}

func copyResponse(w http.ResponseWriter, resp *http.Response) {
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
