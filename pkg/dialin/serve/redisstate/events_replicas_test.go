package redisstate_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
)

// Daily's events delivered to two replicas at once, the one that took the call and another:
// each event is recorded by one step of the store that finds the call by its room, so the
// call is counted connected once across both, its record says when it connected and that
// dialin.stopped ended it, and its slot is freed.
func TestEventsToTwoReplicasRecordedOnce(t *testing.T) {
	t.Parallel()
	c := newCluster(t, clusterOpts{cap: 10, talk: 200 * time.Millisecond})
	a, b := c.addReplica("a"), c.addReplica("b")
	tee := newBalancer(t, true, c.urls("")...)
	c.route(a.hs.URL+"/dialin", tee.hs.URL+"/events", secret("route"), secret("events"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 3 {
		id := c.place(fmt.Sprint("+1555000000", i))
		c.connectedOnce(ctx, id)
		testkit.EventuallyWithin(t, 10*time.Second, "the end of "+id, func() bool { return len(a.events.of(serve.EventEnded, id)) == 1 })
		if na, nb := len(a.events.of(serve.EventConnected, id)), len(b.events.of(serve.EventConnected, id)); na+nb != 1 {
			t.Fatalf("%s counted connected %d times by a, %d by b", id, na, nb)
		}
		rec, ok, err := b.store.Get(ctx, id)
		if err != nil || !ok || rec.State != callstore.Ended || rec.Reason != "stopped" || rec.Owner != "a" ||
			rec.ConnectedAt.IsZero() || rec.EndedAt.Before(rec.ConnectedAt) {
			t.Fatalf("record of %s: %+v %v %v", id, rec, ok, err)
		}
	}
	testkit.EventuallyWithin(t, 10*time.Second, "every slot to be freed", func() bool { return c.stats().Active == 0 })
}
