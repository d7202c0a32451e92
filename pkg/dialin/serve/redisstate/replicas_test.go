package redisstate_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

func secret(seed string) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%-32s", seed)[:32]))
}

// A burst of 100 calls through a round-robin balancer in front of three replicas: every call
// connects once, to one bot, and the global cap of 10 holds across the three (the most bots
// running at once is exactly 10). Slots are freed by dialin.stopped events that the balancer
// spreads too, so most are released by a replica that did not take the call.
func TestThreeReplicasBurstOf100(t *testing.T) {
	t.Parallel()
	const calls, capacity = 100, 10
	c := newCluster(t, clusterOpts{cap: capacity, talk: 300 * time.Millisecond})
	for _, id := range []string{"a", "b", "c"} {
		c.addReplica(id)
	}
	lb := newBalancer(t, false, c.urls("")...)
	c.route(lb.hs.URL+"/dialin", lb.hs.URL+"/events", secret("route"), secret("events"))
	before := make([]uint64, len(c.replicas))
	for i, r := range c.replicas {
		before[i] = r.trips.Load()
	}

	ids := make([]string, calls)
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i] = c.place(fmt.Sprintf("+1555%07d", i))
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for _, id := range ids {
		c.connectedOnce(ctx, id)
	}
	handed, most, problems := c.runner.stats()
	if handed != calls || len(problems) > 0 {
		t.Fatalf("%d calls handed to bots; problems: %v", handed, problems)
	}
	if most != capacity {
		t.Fatalf("at most %d bots ran at once; the cap across the replicas is %d", most, capacity)
	}
	if got := c.count(serve.EventReceived); got != calls {
		t.Fatalf("%d calls received across the replicas", got)
	}
	for _, r := range c.replicas {
		if n := len(r.events.of(serve.EventReceived, "")); n < 10 {
			t.Fatalf("replica %s took only %d calls: the burst was not spread", r.id, n)
		}
	}
	testkit.EventuallyWithin(t, 30*time.Second, "every slot to be freed", func() bool {
		st := c.stats()
		return st.Active == 0 && st.Waiting == 0
	})
	var trips uint64
	for i, r := range c.replicas {
		trips += r.trips.Load() - before[i]
	}
	t.Logf("%d calls (%d queued), Redis round trips: %d in all, %.1f per call", calls, c.count(serve.EventQueued), trips, float64(trips)/calls)
}

// Daily's webhook for one call delivered to all three replicas at once: one bot, one room;
// every replica answers the same bytes.
func TestSameWebhookToAllThreeStartsOneBot(t *testing.T) {
	t.Parallel()
	c := newCluster(t, clusterOpts{cap: 10, talk: 200 * time.Millisecond})
	for _, id := range []string{"a", "b", "c"} {
		c.addReplica(id)
	}
	tee := newBalancer(t, true, c.urls("")...)
	c.route(tee.hs.URL+"/dialin", c.replicas[0].hs.URL+"/events", secret("route"), secret("events"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 5 {
		id := c.place(fmt.Sprint("+1555000000", i))
		c.connectedOnce(ctx, id)
		testkit.EventuallyWithin(t, 10*time.Second, "the three answers", func() bool {
			return c.count(serve.EventReceived)+c.count(serve.EventDuplicate) == 3*(i+1)
		})
	}
	if r, d := c.count(serve.EventReceived), c.count(serve.EventDuplicate); r != 5 || d != 10 {
		t.Fatalf("%d received, %d duplicates", r, d)
	}
	if n := c.emu.Count("POST", "/rooms"); n != 5 {
		t.Fatalf("%d rooms for 5 calls", n)
	}
	tee.mu.Lock()
	defer tee.mu.Unlock()
	byCall := map[string][][]byte{} // Daily's route verification ({"status":"test"}) aside
	for _, a := range tee.answers {
		var r struct {
			CallID string `json:"call_id"`
		}
		if json.Unmarshal(a, &r) == nil && r.CallID != "" {
			byCall[r.CallID] = append(byCall[r.CallID], a)
		}
	}
	if len(byCall) != 5 {
		t.Fatalf("answers for %d calls", len(byCall))
	}
	for id, a := range byCall {
		if len(a) != 3 || !bytes.Equal(a[0], a[1]) || !bytes.Equal(a[1], a[2]) || !bytes.Contains(a[0], []byte(`"status":"accepted"`)) {
			t.Fatalf("%s: the replicas answered differently: %q", id, a)
		}
	}
}

// With patch: serve, Daily's dialin.ready events reach a replica that did not take the
// webhook: it patches the call, once, although the room has two SIP endpoints (two ready
// events), and a ready event delivered again to the third replica patches nothing more.
func TestReadyToAnotherReplicaPatchesOnce(t *testing.T) {
	t.Parallel()
	c := newCluster(t, clusterOpts{cap: 10, patch: serveconfig.PatchServe, endpoints: 2, talk: 200 * time.Millisecond})
	a, b, third := c.addReplica("a"), c.addReplica("b"), c.addReplica("c")
	evSecret := secret("events")
	c.route(a.hs.URL+"/dialin", b.hs.URL+"/events", secret("route"), evSecret)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var ids []string
	for i := range 3 {
		id := c.place(fmt.Sprint("+1555000000", i))
		c.connectedOnce(ctx, id)
		ids = append(ids, id)
	}
	for _, id := range ids {
		if len(a.events.of(serve.EventReceived, id)) != 1 || len(b.events.of(serve.EventReceived, id)) != 0 {
			t.Fatalf("%s: the webhook did not go to replica a only", id)
		}
		testkit.EventuallyWithin(t, 10*time.Second, "both ready events of "+id, func() bool { return len(b.events.of(serve.EventReady, id)) == 2 })
		// The emulator connects the call before replica b has its answer and says so.
		testkit.EventuallyWithin(t, 10*time.Second, "replica b's patch of "+id, func() bool { return len(b.events.of(serve.EventPatched, id)) >= 1 })
		if pa, pb := len(a.events.of(serve.EventPatched, id)), len(b.events.of(serve.EventPatched, id)); pa != 0 || pb != 1 {
			t.Fatalf("%s patched %d times by a, %d by b", id, pa, pb)
		}
	}
	if n := c.emu.Count("POST", "/dialin/pinlessCallUpdate"); n != len(ids) {
		t.Fatalf("pinlessCallUpdate called %d times for %d calls", n, len(ids))
	}
	// A repeat of a ready event, to the third replica.
	rec, _ := c.emu.Call(ids[0])
	body := []byte(`{"version":"1.0.0","type":"dialin.ready","id":"evt-again","event_ts":1,"payload":{"timestamp":1,"domain_id":"` + rec.Domain + `","room":"` + rec.Room + `","sip_endpoint":"sip:` + rec.Room + `.1@x"}}`)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig, _ := webhook.Sign(evSecret, ts, body)
	req, _ := http.NewRequest(http.MethodPost, third.hs.URL+"/events", bytes.NewReader(body))
	req.Header.Set(webhook.EventTimestampHeader, ts)
	req.Header.Set(webhook.EventSignatureHeader, sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("repeated ready event: %v %v", resp, err)
	}
	resp.Body.Close()
	if len(third.events.of(serve.EventReady, ids[0])) != 1 {
		t.Fatal("the third replica did not see the repeated ready event")
	}
	if n := c.emu.Count("POST", "/dialin/pinlessCallUpdate"); n != len(ids) {
		t.Fatalf("a repeated ready event patched again (%d)", n)
	}
}
