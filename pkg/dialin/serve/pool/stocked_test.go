package pool

import (
	"context"
	"testing"

	"github.com/dialin-project/dialin/internal/testkit"
)

// Stocked follows the pool's size from the Store's answers it already has: full after the
// refills, one less after a take, and nothing for a rule without a pool.
func TestStockedFollowsThePoolWithoutAskingTheStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{rooms: 3})
	testkit.Eventually(t, "a full pool, as Stocked sees it", func() bool { return f.pool.Stocked("default") == 3 })
	f.pool.Close() // no refill in between: the take below is the Store's last answer
	if _, err := f.pool.Room(context.Background(), f.request("+15550001")); err != nil {
		t.Fatal(err)
	}
	if n := f.pool.Stocked("default"); n != 2 {
		t.Fatalf("Stocked after one take = %d, want 2", n)
	}
	if n := f.pool.Stocked("no-such-rule"); n != 0 {
		t.Fatalf("Stocked of a rule without a pool = %d, want 0", n)
	}
}
