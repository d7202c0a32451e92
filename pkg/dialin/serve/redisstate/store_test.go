package redisstate_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
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

func TestStoreClaimFirstWinsAcrossReplicas(t *testing.T) {
	ctx := ctxT(t)
	a, b := twoStores(t, time.Hour)
	stores := []*redisstate.Store{a, b}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := callstore.Record{CallID: "c1", From: fmt.Sprint(i), ReceivedAt: time.Now(), Answer: callstore.Answer{Status: 200, Body: []byte(fmt.Sprint(i))}}
			_, claimed, err := stores[i%2].Claim(ctx, rec)
			if err != nil {
				t.Error(err)
			}
			if claimed {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d claims won", wins.Load())
	}
	first, ok, err := b.Get(ctx, "c1")
	if !ok || err != nil {
		t.Fatalf("Get: %v %v", ok, err)
	}
	got, claimed, err := a.Claim(ctx, callstore.Record{CallID: "c1", From: "late"})
	if err != nil || claimed || got.From != first.From || string(got.Answer.Body) != first.From || got.ReceivedAt.IsZero() {
		t.Fatalf("repeat claim returned %+v (%v), first %+v", got, err, first)
	}
}

func TestStorePutIndexesRoomAcrossReplicas(t *testing.T) {
	ctx := ctxT(t)
	a, b := twoStores(t, time.Hour)
	rec := callstore.Record{CallID: "c1", State: callstore.Accepted}
	if _, claimed, _ := a.Claim(ctx, rec); !claimed {
		t.Fatal("not claimed")
	}
	if _, ok, _ := b.ByRoom(ctx, "room-a"); ok {
		t.Fatal("room known before Put")
	}
	rec.Room, rec.SIPEndpoints, rec.State = "room-a", []string{"sip:a"}, callstore.Admitted
	if err := a.Put(ctx, rec); err != nil {
		t.Fatal(err)
	}
	got, ok, err := b.ByRoom(ctx, "room-a")
	if err != nil || !ok || got.CallID != "c1" || got.SIPEndpoints[0] != "sip:a" || got.State != callstore.Admitted {
		t.Fatalf("ByRoom = %+v %v %v", got, ok, err)
	}
	rec.Room = "room-b"
	if err := a.Put(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := b.ByRoom(ctx, "room-a"); ok {
		t.Fatal("old room still indexed")
	}
	if got, ok, _ := b.ByRoom(ctx, "room-b"); !ok || got.CallID != "c1" {
		t.Fatal("new room not indexed")
	}
	if _, ok, err := b.Get(ctx, "nope"); ok || err != nil {
		t.Fatalf("unknown call: %v %v", ok, err)
	}
}

func TestStoreClaimPatchOnceAcrossReplicas(t *testing.T) {
	ctx := ctxT(t)
	a, b := twoStores(t, time.Hour)
	if ok, err := a.ClaimPatch(ctx, "unknown"); ok || err != nil {
		t.Fatalf("patched an unknown call (%v)", err)
	}
	a.Claim(ctx, callstore.Record{CallID: "c1"})
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			if ok, _ := s.ClaimPatch(ctx, "c1"); ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d patch claims won", wins.Load())
	}
	a.Put(ctx, callstore.Record{CallID: "c1", State: callstore.Connected})
	if ok, _ := b.ClaimPatch(ctx, "c1"); ok {
		t.Fatal("patch claim lost on Put")
	}
}

func TestStoreTTL(t *testing.T) {
	ctx := ctxT(t)
	a, b := twoStores(t, 300*time.Millisecond)
	a.Claim(ctx, callstore.Record{CallID: "c1"})
	a.Put(ctx, callstore.Record{CallID: "c1", Room: "r1"})
	waitFor(t, 5*time.Second, "the record to expire", func() bool {
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
	ctx := ctxT(t)
	a, b := twoStores(t, time.Hour)
	if first, err := a.Once(ctx, "k", 200*time.Millisecond); !first || err != nil {
		t.Fatalf("first sighting not first (%v)", err)
	}
	if first, _ := b.Once(ctx, "k", 200*time.Millisecond); first {
		t.Fatal("replay seen as first by the other replica")
	}
	waitFor(t, 5*time.Second, "the mark to expire", func() bool {
		first, _ := b.Once(ctx, "k", 200*time.Millisecond)
		return first
	})
}

// Each step is one round trip.
func TestStoreRoundTrips(t *testing.T) {
	ctx := ctxT(t)
	rdb, prefix := client(t)
	rdb.Ping(ctx) // connect and load nothing else
	s := redisstate.NewStore(rdb, redisstate.StoreOptions{Prefix: prefix})
	// Load the scripts once (after a restart, EVALSHA's NOSCRIPT costs one more trip).
	s.Claim(ctx, callstore.Record{CallID: "warm", Room: "w"})
	s.Put(ctx, callstore.Record{CallID: "warm", Room: "w"})
	s.ByRoom(ctx, "w")
	s.ClaimPatch(ctx, "warm")
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
