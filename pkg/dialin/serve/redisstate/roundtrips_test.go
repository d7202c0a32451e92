package redisstate_test

import (
	"context"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// What one call costs in Redis round trips, step by step, as docs/replicas.md states it:
//
//	webhook          Once (replay mark) + Claim                                  2
//	flow             Acquire + Put admitted + Put room + Put bot_started          4
//	dialin.ready     ByRoom (+ ClaimPatch with patch: serve)                     1 (2)
//	dialin.connected ByRoom + Put connected                                      2
//	dialin.stopped   ByRoom + Put ended + Release                                3
//
// = 12 with patch: bot, 13 with patch: serve (one SIP endpoint). A call that waits adds a Put
// (queued) and shares its replica's queue looks; renewals are one round trip per replica
// per lease_ttl/3 for all its calls.
func TestRoundTripsPerCall(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		patch string
		want  uint64
	}{{serveconfig.PatchBot, 12}, {serveconfig.PatchServe, 13}} {
		t.Run(tc.patch, func(t *testing.T) {
			c := newCluster(t, clusterOpts{cap: 10, patch: tc.patch, talk: 100 * time.Millisecond, leaseTTL: time.Minute})
			r := c.addReplica("a")
			c.route(r.hs.URL+"/dialin", r.hs.URL+"/events", secret("route"), secret("events"))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// A first call loads the scripts into Redis (EVALSHA's first NOSCRIPT costs a trip).
			warm := c.place("+15550000000")
			c.connectedOnce(ctx, warm)
			testkit.EventuallyWithin(t, 10*time.Second, "the first call to end", func() bool { return len(r.events.of(serve.EventEnded, warm)) == 1 })
			before := r.trips.Load()
			id := c.place("+15550000001")
			c.connectedOnce(ctx, id)
			testkit.EventuallyWithin(t, 10*time.Second, "the call to end", func() bool { return len(r.events.of(serve.EventEnded, id)) == 1 })
			if got := r.trips.Load() - before; got != tc.want {
				t.Fatalf("a call cost %d Redis round trips with patch: %s; docs/replicas.md says %d", got, tc.patch, tc.want)
			}
		})
	}
}
