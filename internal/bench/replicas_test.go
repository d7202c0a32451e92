package bench

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

// The balancer sends requests to each replica in turn, with their bodies and headers (the
// webhook's signature is in its headers).
func TestBalancerRoundRobin(t *testing.T) {
	t.Parallel()
	var hits [3]atomic.Int32
	var bases []string
	for i := range hits {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if string(body) != "call" || r.Header.Get("X-Webhook-Signature") != "sig" || r.URL.Path != "/dialin" {
				http.Error(w, "mangled", http.StatusBadRequest)
				return
			}
			hits[i].Add(1)
		}))
		defer srv.Close()
		bases = append(bases, srv.URL)
	}
	lb, err := startBalancer(bases)
	if err != nil {
		t.Fatal(err)
	}
	defer lb.close()
	for range 9 {
		req, _ := http.NewRequest("POST", lb.base+"/dialin", strings.NewReader("call"))
		req.Header.Set("X-Webhook-Signature", "sig")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	for i := range hits {
		if n := hits[i].Load(); n != 3 {
			t.Errorf("replica %d got %d requests, want 3", i, n)
		}
	}
}

func TestConfigCheckReplicas(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		replicas int
		state    string
		want     string
	}{
		{0, "", "replicas: must be between 1 and 16 (got 0)"},
		{17, "redis://127.0.0.1:6379/0", "replicas: must be between 1 and 16 (got 17)"},
		{2, "", "replicas: more than one needs a shared state"},
		{2, "memory", "replicas: more than one needs a shared state"},
	} {
		cfg := Defaults()
		cfg.Dialin, cfg.Replicas, cfg.State = "/bin/true", c.replicas, c.state
		if err := cfg.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d replicas, state %q: err = %v, want %q", c.replicas, c.state, err, c.want)
		}
	}
	cfg := Defaults()
	cfg.Dialin, cfg.Replicas, cfg.State = "/bin/true", 3, "redis://127.0.0.1:6379/0"
	if err := cfg.Check(); err != nil {
		t.Fatal(err)
	}
}

// A Redis that does not answer fails the run at once, saying which and why.
func TestRunFailsWhenRedisIsUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := Defaults()
	cfg.Dialin, cfg.Replicas, cfg.State = "/bin/true", 2, "redis://"+addr+"/0"
	start := time.Now()
	_, err = Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "--state redis://"+addr+"/0: redis unreachable") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %s to fail", time.Since(start))
	}
}

// Each system's replicas get a prefix of their own under the run's, after the user's, and
// the run removes its keys.
func TestBenchStatePrefixesAndCleansUp(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	ctx := context.Background()
	st, err := openState(ctx, srv.URL()+"?prefix=acme:&lease_ttl=5s")
	if err != nil {
		t.Fatal(err)
	}
	u := st.url(SystemWarm)
	if !strings.Contains(u, "lease_ttl=5s") || !strings.Contains(u, "prefix=acme%3Abench-") || !strings.HasSuffix(u, "%3Aserve-warm%3A") {
		t.Fatalf("replicas' URL %s", u)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	for i := range 700 {
		rdb.Set(ctx, st.prefix+"serve:call:"+strconv.Itoa(i), "x", 0)
	}
	rdb.Set(ctx, "acme:not-the-bench", "x", 0)
	st.close()
	if n := rdb.DBSize(ctx).Val(); n != 1 {
		t.Fatalf("%d keys left after the run, want only the one that is not the bench's", n)
	}
}
