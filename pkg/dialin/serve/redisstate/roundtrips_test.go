package redisstate_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// What one call costs in Redis round trips, step by step, as docs/replicas.md states it:
//
//	webhook          replay mark and claim, one script (OnceClaim)          1
//	flow             Acquire + Put admitted with the room + Put bot_started  3
//	dialin.ready     ByRoom (ClaimPatchByRoom with patch: serve)            1
//	dialin.connected MarkByRoom (find the call, record connected)           1
//	dialin.stopped   MarkByRoom (find the call, record ended) + Release     2
//
// = 8 in both patch modes (one SIP endpoint), 4 of them from the webhook's arrival to the
// bot's start. A call that waits adds a Put (queued) and shares its replica's queue looks;
// renewals are one round trip per replica per lease_ttl/3 for all its calls.
//
// Daily's events for the call are held back until the bot has started (the bot joins while
// serve records its start), so that the trips up to the start are the flow's alone.
func TestRoundTripsPerCall(t *testing.T) {
	t.Parallel()
	const wantPath, wantAll = 4, 8
	for _, patch := range []string{serveconfig.PatchBot, serveconfig.PatchServe} {
		t.Run(patch, func(t *testing.T) {
			t.Parallel()
			// A lease long enough that no renewal falls within the call.
			c := newCluster(t, clusterOpts{cap: 10, patch: patch, talk: 100 * time.Millisecond, leaseTTL: 10 * time.Minute})
			r := c.addReplica("a")
			events := newHeldEvents(t, r.hs.URL)
			c.route(r.hs.URL+"/dialin", events.url+"/events", secret("route"), secret("events"))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// A first call loads the scripts into Redis (EVALSHA's first NOSCRIPT costs a trip).
			warm := c.place("+15550000000")
			c.connectedOnce(ctx, warm)
			testkit.EventuallyWithin(t, 10*time.Second, "the first call to end", func() bool { return len(r.events.of(serve.EventEnded, warm)) == 1 })

			release := events.hold()
			before := r.trips.Load()
			var toBot atomic.Uint64
			r.events.setHook(func(e serve.Event) {
				if e.Kind == serve.EventBotStarted && e.CallID != warm {
					toBot.Store(r.trips.Load() - before)
					release()
				}
			})
			id := c.place("+15550000001")
			c.connectedOnce(ctx, id)
			testkit.EventuallyWithin(t, 10*time.Second, "the call to end", func() bool { return len(r.events.of(serve.EventEnded, id)) == 1 })
			if got := toBot.Load(); got != wantPath {
				t.Errorf("from its webhook to its bot's start, a call cost %d Redis round trips with patch: %s; docs/replicas.md says %d", got, patch, wantPath)
			}
			if got := r.trips.Load() - before; got != wantAll {
				t.Errorf("a call cost %d Redis round trips with patch: %s; docs/replicas.md says %d", got, patch, wantAll)
			}
		})
	}
}

// heldEvents passes Daily's /webhooks deliveries on to a replica (backend: its base URL),
// except while held: then each waits until released.
type heldEvents struct {
	url  string
	mu   sync.Mutex
	gate chan struct{} // closed: deliveries pass
}

func newHeldEvents(t *testing.T, backend string) *heldEvents {
	h := &heldEvents{gate: make(chan struct{})}
	close(h.gate)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		gate := h.gate
		h.mu.Unlock()
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
		body, _ := io.ReadAll(r.Body)
		resp, err := forward(r, backend, body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		copyResponse(w, resp)
	}))
	t.Cleanup(hs.Close)
	h.url = hs.URL
	return h
}

// hold makes deliveries wait until the returned function (safe to call more than once) is
// called.
func (h *heldEvents) hold() (release func()) {
	gate := make(chan struct{})
	h.mu.Lock()
	h.gate = gate
	h.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(gate) }) }
}
