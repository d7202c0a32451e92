package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
)

// benchState is the Redis that a run's serve replicas share (--state redis://…). Each
// system gets a key prefix of its own under one of the run's, and the run deletes its keys
// when it ends.
type benchState struct {
	raw      string // the user's URL
	prefix   string // the user's prefix (or the default) + "bench-<random>:"
	redacted string
	rdb      *redis.Client
}

// openState parses raw (the password from the environment, as serve reads it) and checks
// that Redis answers; "" and "memory" are no shared state (nil).
func openState(ctx context.Context, raw string) (*benchState, error) {
	if raw == "" || raw == "memory" {
		return nil, nil
	}
	c, err := redisstate.ParseURL(raw, os.Getenv)
	if err != nil {
		return nil, err
	}
	rdb := redis.NewClient(c.Options)
	if err := redisstate.Ping(ctx, rdb); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("--state %s: %w", c.Redacted, err)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &benchState{raw: raw, prefix: c.Prefix + "bench-" + hex.EncodeToString(b[:]) + ":", redacted: c.Redacted, rdb: rdb}, nil
}

// url is the --state of system's replicas: the user's URL with the system's own prefix.
func (s *benchState) url(system string) string {
	u, err := url.Parse(s.raw)
	if err != nil {
		return s.raw // ParseURL accepted it already
	}
	q := u.Query()
	q.Set("prefix", s.prefix+system+":")
	u.RawQuery = q.Encode()
	return u.String()
}

// close deletes the run's keys (best effort: the call records expire anyway).
func (s *benchState) close() {
	if s == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := s.rdb.Scan(ctx, 0, s.prefix+"*", 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		s.rdb.Del(ctx, keys[:n]...)
		keys = keys[n:]
	}
	s.rdb.Close()
}

// balancer is a round-robin reverse proxy on loopback in front of serve's replicas: the
// emulator's route has one URL, as a real deployment's load balancer has.
type balancer struct {
	base string
	srv  *http.Server
}

func startBalancer(backends []string) (*balancer, error) {
	proxies := make([]*httputil.ReverseProxy, len(backends))
	for i, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			return nil, err
		}
		proxies[i] = httputil.NewSingleHostReverseProxy(u)
		// A request before the replica listens (the emulator checks the route's URL when it
		// is set) is answered 502; that is not worth a line on the bench's stderr.
		proxies[i].ErrorLog = log.New(io.Discard, "", 0)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	var next atomic.Uint64
	lb := &balancer{base: "http://" + ln.Addr().String(), srv: &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			proxies[(next.Add(1)-1)%uint64(len(proxies))].ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}}
	go func() { _ = lb.srv.Serve(ln) }()
	return lb, nil
}

func (lb *balancer) close() {
	if lb != nil {
		_ = lb.srv.Close()
	}
}

// stop stops every process (at once) and the balancer, then the helpers: serve first, so
// that it sends nothing to a runner that is gone.
func (l *launched) stop(timeout time.Duration) {
	for _, group := range [][]*child{l.procs, l.helpers} {
		var wg sync.WaitGroup
		for _, c := range group {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.stop(timeout)
			}()
		}
		wg.Wait()
	}
	l.lb.close()
}

// usage sums the processes' CPU time and resident memory (peak: the sum of each one's);
// helpers are not the system measured and are left out.
func (l *launched) usage() (usage, error) {
	var sum usage
	for _, c := range l.procs {
		u, err := readUsage(c.pid())
		if err != nil {
			return sum, err
		}
		sum.CPU += u.CPU
		sum.PeakMB += u.PeakMB
		sum.RSSMB += u.RSSMB
	}
	return sum, nil
}

func (l *launched) exited() bool {
	for _, c := range append(l.procs[:len(l.procs):len(l.procs)], l.helpers...) {
		if c.exited() {
			return true
		}
	}
	return false
}

// tail is the end of the output of the processes that ended (else of all), for errors.
func (l *launched) tail() string {
	var parts []string
	for _, c := range append(l.procs[:len(l.procs):len(l.procs)], l.helpers...) {
		if c.exited() || !l.exited() {
			parts = append(parts, c.tail())
		}
	}
	return strings.Join(parts, "\n---\n")
}

// scrape sums the named metrics over every process's /metrics.
func (l *launched) scrape(names ...string) (map[string]float64, error) {
	sum := map[string]float64{}
	for _, b := range l.bases {
		m, err := scrape(b+"/metrics", names...)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			sum[k] += v
		}
	}
	return sum, nil
}

// serveShares merges serve's own share of each call from every replica's log.
func (l *launched) serveShares() map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, c := range l.procs {
		for id, d := range serveShares(c.log) {
			out[id] = d
		}
	}
	return out
}
