package redisstate_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
)

// Redis goes away mid-run and comes back empty: meanwhile /readyz fails and a new call is
// refused (503, with a log line saying why) rather than risk being handled twice; afterwards
// the same replicas, not restarted, take calls again.
func TestRedisRestartMidRun(t *testing.T) {
	t.Parallel()
	c := newCluster(t, clusterOpts{cap: 10, talk: 200 * time.Millisecond, ownRedis: true})
	c.addReplica("a")
	c.addReplica("b")
	lb := newBalancer(t, false, c.urls("")...)
	c.route(lb.hs.URL+"/dialin", lb.hs.URL+"/events", secret("route"), secret("events"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c.connectedOnce(ctx, c.place("+15550000001"))

	c.redis.Stop()
	for _, r := range c.replicas {
		if code, why := readyz(t, r.hs.URL); code != http.StatusServiceUnavailable || !strings.Contains(why, "redis unreachable") {
			t.Fatalf("replica %s /readyz without Redis: %d %s", r.id, code, why)
		}
	}
	down := c.place("+15550000002")
	testkit.EventuallyWithin(t, 10*time.Second, "the webhook of the call during the outage", func() bool {
		rec, _ := c.emu.Call(down)
		_, ok := rec.At("webhook_answered")
		return ok
	})
	rec, _ := c.emu.Call(down)
	for _, m := range rec.Timeline {
		if m.Name == "webhook_answered" && m.Detail != "503" {
			t.Fatalf("the webhook during the outage was answered %s", m.Detail)
		}
	}
	logged := false
	for _, r := range c.replicas {
		for _, line := range strings.Split(r.logs.String(), "\n") {
			logged = logged || strings.Contains(line, `"msg":"call store unavailable; call refused"`) && strings.Contains(line, `"call_id":"`+down+`"`)
		}
	}
	if !logged {
		t.Fatal("no replica logged why the call was refused")
	}

	if err := c.redis.StartAgain(); err != nil {
		t.Fatal(err)
	}
	for _, r := range c.replicas {
		testkit.EventuallyWithin(t, 10*time.Second, "replica "+r.id+" ready again", func() bool {
			code, _ := readyz(t, r.hs.URL)
			return code == http.StatusOK
		})
	}
	for _, from := range []string{"+15550000003", "+15550000004", "+15550000005"} {
		c.connectedOnce(ctx, c.place(from))
	}
	if n := c.runner.launches(down); n != 0 {
		t.Fatalf("the call refused during the outage reached %d bots", n)
	}
	testkit.EventuallyWithin(t, 10*time.Second, "every slot to be freed", func() bool {
		st := c.stats()
		return st.Active == 0 && st.Waiting == 0
	})
}
