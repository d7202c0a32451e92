package servecmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

// With --state redis://… and --warm-rooms, two serves share one pool in Redis: it holds 3
// rooms for both (not 3 each), one of them refills it, and calls take their rooms from it.
func TestServeWarmRoomsSharedThroughRedis(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	addrA, addrB, secret := freeAddr(t), freeAddr(t), testSecret("route")
	routeTo(t, e, addrA, secret)
	state := srv.URL() + "?prefix=pooltest:&lease_ttl=1s"
	args := []string{"--bot-cmd", botCmd(t, ""), "--tokens", "local", "--warm-rooms", "3", "--pool-refill", "20", "--state", state}
	a := startServe(t, e, nil, append([]string{"--addr", addrA, "--log-format", "text"}, args...)...)
	b := startServe(t, e, nil, append([]string{"--addr", addrB}, args...)...)
	full := func() bool {
		return gauge(a.srv.Metrics(), "dialin_serve_room_pool_size") == 3 && gauge(b.srv.Metrics(), "dialin_serve_room_pool_size") == 3
	}
	testkit.Eventually(t, "the shared pool full, seen by both", full)
	if n := e.Server.Count("POST", "/rooms"); n != 3 {
		t.Fatalf("%d rooms created for a shared pool of 3; want 3 (one replica refills)", n)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	if n := rdb.ZCard(context.Background(), "pooltest:pool:default").Val(); n != 3 {
		t.Fatalf("the pool in Redis holds %d rooms, want 3", n)
	}
	connectCalls(t, e, a, 2)
	if hits := gauge(a.srv.Metrics(), "dialin_serve_room_pool_hits_total"); hits != 2 {
		t.Errorf("pool hits = %v, want 2", hits)
	}
	testkit.Eventually(t, "the shared pool refilled", full)
	if n := e.Server.Count("POST", "/rooms"); n != 5 {
		t.Errorf("%d rooms created in all; want 5 (3, then the 2 the calls took)", n)
	}
	if trips := gaugeOf(t, a, "dialin_serve_state_round_trips_total"); trips == 0 {
		t.Error("no state round trips counted")
	}
	if err := a.stop(); err != nil {
		t.Fatal(err)
	}
	if out := a.errOut.String(); !strings.Contains(out, "warm rooms: 3 (pooled rooms need no request to Daily; one pool shared by the replicas") {
		t.Errorf("the banner does not say the pool is shared:\n%s", out)
	}
}
