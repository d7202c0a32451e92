package redisstate_test

import (
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore/storetest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

// Two stores on two connections stand for two replicas.
func twoStores(t *testing.T, ttl time.Duration) (*redisstate.Store, *redisstate.Store) {
	rdb, prefix := client(t)
	other := clientOf(t, redistest.Shared(t))
	o := redisstate.StoreOptions{Prefix: prefix, TTL: ttl}
	return redisstate.NewStore(rdb, o), redisstate.NewStore(other, o)
}

// TestStoreContractAcrossReplicas: the Redis store meets the Store contract when the two
// stores are two replicas on two connections.
func TestStoreContractAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) (callstore.Store, callstore.Store) {
		return twoStores(t, time.Hour)
	})
}

func TestStoreTTL(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	a, b := twoStores(t, 300*time.Millisecond)
	a.Claim(ctx, callstore.Record{CallID: "c1"})
	a.Put(ctx, callstore.Record{CallID: "c1", Room: "r1"})
	testkit.EventuallyWithin(t, 5*time.Second, "the record to expire", func() bool {
		_, ok, _ := b.Get(ctx, "c1")
		return !ok
	})
	if _, ok, _ := b.ByRoom(ctx, "r1"); ok {
		t.Fatal("room index outlived its record")
	}
	if _, claimed, _ := b.Claim(ctx, callstore.Record{CallID: "c1"}); !claimed {
		t.Fatal("an expired call cannot be claimed again")
	}
}

func TestStoreOnce(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	a, b := twoStores(t, time.Hour)
	if first, err := a.Once(ctx, "k", 200*time.Millisecond); !first || err != nil {
		t.Fatalf("first sighting not first (%v)", err)
	}
	if first, _ := b.Once(ctx, "k", 200*time.Millisecond); first {
		t.Fatal("replay seen as first by the other replica")
	}
	testkit.EventuallyWithin(t, 5*time.Second, "the mark to expire", func() bool {
		first, _ := b.Once(ctx, "k", 200*time.Millisecond)
		return first
	})
}

// Each step is one round trip.
func TestStoreRoundTrips(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	rdb, prefix := client(t)
	rdb.Ping(ctx) // connect and load nothing else
	s := redisstate.NewStore(rdb, redisstate.StoreOptions{Prefix: prefix})
	// Load the scripts once (after a restart, EVALSHA's NOSCRIPT costs one more trip).
	s.Claim(ctx, callstore.Record{CallID: "warm", Room: "w"})
	s.Put(ctx, callstore.Record{CallID: "warm", Room: "w"})
	s.ByRoom(ctx, "w")
	s.ClaimPatch(ctx, "warm")
	s.OnceClaim(ctx, "warm", time.Minute, callstore.Record{CallID: "warm"})
	s.ClaimPatchByRoom(ctx, "w")
	s.MarkByRoom(ctx, "w", callstore.Mark{State: callstore.Connected})
	rt := redisstate.CountRoundTrips(rdb)
	steps := []struct {
		name string
		do   func() error
	}{
		{"Once", func() error { _, err := s.Once(ctx, "sig", time.Minute); return err }},
		{"Claim", func() error { _, _, err := s.Claim(ctx, callstore.Record{CallID: "c1"}); return err }},
		{"Put", func() error { return s.Put(ctx, callstore.Record{CallID: "c1", Room: "r1"}) }},
		{"Get", func() error { _, _, err := s.Get(ctx, "c1"); return err }},
		{"ByRoom", func() error { _, _, err := s.ByRoom(ctx, "r1"); return err }},
		{"ClaimPatch", func() error { _, err := s.ClaimPatch(ctx, "c1"); return err }},
		{"OnceClaim", func() error {
			_, _, _, err := s.OnceClaim(ctx, "sig2", time.Minute, callstore.Record{CallID: "c2"})
			return err
		}},
		{"ClaimPatchByRoom", func() error { _, _, _, err := s.ClaimPatchByRoom(ctx, "r1"); return err }},
		{"MarkByRoom", func() error {
			_, _, _, err := s.MarkByRoom(ctx, "r1", callstore.Mark{State: callstore.Ended, At: time.Now()})
			return err
		}},
	}
	for _, st := range steps {
		before := rt.Load()
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if n := rt.Load() - before; n != 1 {
			t.Errorf("%s cost %d round trips, want 1", st.name, n)
		}
	}
}
