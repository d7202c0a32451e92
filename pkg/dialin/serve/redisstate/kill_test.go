package redisstate_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
)

// Three replicas behind a balancer, the third a real `dialin serve --state redis://…`
// process: SIGKILLed mid-burst while it holds slots, its slots come back within the lease
// TTL (calls waiting on the other replicas get them), no call is handed to a second bot, and
// the calls that come after it are served by the two left.
func TestKillReplicaMidBurst(t *testing.T) {
	t.Parallel()
	const capacity, first, later = 10, 18, 5
	const ttl = 2 * time.Second
	c := newCluster(t, clusterOpts{cap: capacity, leaseTTL: ttl}) // bots stay until the caller hangs up
	a, b := c.addReplica("a"), c.addReplica("b")
	proc := c.startProcessLater()
	// Webhooks and events through balancers of their own, so that call i goes to replica i%3.
	hooks := newBalancer(t, false, a.hs.URL, b.hs.URL, proc.url())
	events := newBalancer(t, false, a.hs.URL, b.hs.URL, proc.url())
	c.route(hooks.hs.URL+"/dialin", events.hs.URL+"/events", secret("route"), secret("events"))
	hooks.mu.Lock()
	hooks.next = 0 // Daily's verification of the route went through it
	hooks.mu.Unlock()
	c.startProcessNow(proc, "--state", c.redis.URL()+"?prefix="+c.prefix+"&lease_ttl="+ttl.String(),
		"--bot-url", c.runner.url(), "--cap", fmt.Sprint(capacity), "--queue-timeout", "30s", "--log-format", "json")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	var ids []string
	for i := range first {
		id := c.place(fmt.Sprintf("+1555%07d", i))
		ids = append(ids, id)
		testkit.EventuallyWithin(t, 10*time.Second, "the webhook of "+id, func() bool {
			rec, _ := c.emu.Call(id)
			_, ok := rec.At("webhook_answered")
			return ok
		})
	}
	testkit.EventuallyWithin(t, 30*time.Second, "10 calls holding slots and 8 waiting", func() bool {
		st := c.stats()
		return st.Active == capacity && st.Waiting == first-capacity
	})
	records := func(ids []string) map[string]callstore.Record {
		out := map[string]callstore.Record{}
		for _, id := range ids {
			rec, ok, err := a.store.Get(ctx, id)
			if err != nil || !ok {
				t.Fatalf("record of %s: %v %v", id, ok, err)
			}
			out[id] = rec
		}
		return out
	}
	testkit.EventuallyWithin(t, 10*time.Second, "every call's record to say whether it waits", func() bool {
		for _, rec := range records(ids) {
			if rec.State == callstore.Accepted {
				return false
			}
		}
		return true
	})
	var heldByProc, queuedByProc, queuedHere []string
	for id, rec := range records(ids) {
		byProc := rec.Owner != "a" && rec.Owner != "b"
		switch {
		case rec.State == callstore.Queued && byProc:
			queuedByProc = append(queuedByProc, id)
		case rec.State == callstore.Queued:
			queuedHere = append(queuedHere, id)
		case byProc:
			heldByProc = append(heldByProc, id)
		}
	}
	// Calls 2, 5, 8 hold slots in the process, 11, 14, 17 wait there, five wait elsewhere.
	if len(heldByProc) != 3 || len(queuedByProc) != 3 || len(queuedHere) != 5 {
		t.Fatalf("the process holds %d slots and has %d calls waiting; %d wait elsewhere", len(heldByProc), len(queuedByProc), len(queuedHere))
	}
	slices.SortFunc(queuedHere, func(x, y string) int { return slices.Index(ids, x) - slices.Index(ids, y) })
	for _, id := range heldByProc {
		c.connectedOnce(ctx, id) // its bots run in the runner, outside the process
	}

	proc.kill(t)
	killed := time.Now()
	freed := len(heldByProc)
	testkit.EventuallyWithin(t, ttl+loadSlack, "the killed replica's slots to go to calls waiting elsewhere", func() bool {
		n := 0
		for _, id := range queuedHere {
			n += len(a.events.of(serve.EventAdmitted, id)) + len(b.events.of(serve.EventAdmitted, id))
		}
		return n == freed
	})
	for i, id := range queuedHere {
		admitted := append(a.events.of(serve.EventAdmitted, id), b.events.of(serve.EventAdmitted, id)...)
		if i >= freed {
			if len(admitted) != 0 {
				t.Fatalf("%s, later in the queue, got a slot before the calls ahead of it", id)
			}
			continue
		}
		if late := admitted[0].At.Sub(killed); late > ttl+loadSlack {
			t.Fatalf("%s got a slot %v after the kill; the lease TTL is %v", id, late, ttl)
		}
	}
	t.Logf("killed holding %d slots with %d calls waiting there; %d calls waiting elsewhere got slots", len(heldByProc), len(queuedByProc), freed)

	// The burst goes on: new calls reach the two replicas left; callers hang up, and every
	// call waiting on a live replica, and every new one, connects once.
	for i := range later {
		ids = append(ids, c.place(fmt.Sprintf("+1666%07d", i)))
	}
	hungUp := map[string]bool{}
	for _, id := range ids[:first] {
		if slices.Contains(queuedByProc, id) {
			continue
		}
		if rec, _ := c.emu.Call(id); rec.State == "connected" {
			if _, err := c.emu.Hangup(id); err == nil {
				hungUp[id] = true
			}
		}
	}
	for _, id := range append(slices.Clone(queuedHere), ids[first:]...) {
		c.connectedOnce(ctx, id)
	}
	for _, id := range ids {
		if !hungUp[id] && !slices.Contains(queuedByProc, id) {
			if _, err := c.emu.Hangup(id); err != nil {
				t.Fatalf("hanging up %s: %v", id, err)
			}
		}
	}
	// No call went to a second bot, and the calls the killed replica had taken but not yet
	// admitted went to none (the caller hears the route's timeout message).
	for _, id := range ids {
		want := 1
		if slices.Contains(queuedByProc, id) {
			want = 0
		}
		if n := c.runner.launches(id); n != want {
			t.Fatalf("call %s handed to %d bots, want %d", id, n, want)
		}
	}
	testkit.EventuallyWithin(t, 3*ttl, "every slot and ticket to be gone", func() bool {
		st := c.stats()
		return st.Active == 0 && st.Waiting == 0
	})
}
