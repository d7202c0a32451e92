// Package storetest is the contract every callstore.Store implementation must meet, as one
// suite that each implementation's tests run: the in-memory store and the Redis store.
package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
)

// Pair returns two stores over the same state, as two replicas would see it (an in-memory
// store returns itself twice), with records kept for an hour.
type Pair func(t *testing.T) (a, b callstore.Store)

// Run runs the contract against the stores pair returns, one fresh pair per subtest.
func Run(t *testing.T, pair Pair) {
	t.Run("ClaimFirstWins", func(t *testing.T) { claimFirstWins(t, pair) })
	t.Run("PutIndexesRoom", func(t *testing.T) { putIndexesRoom(t, pair) })
	t.Run("ClaimPatchOnce", func(t *testing.T) { claimPatchOnce(t, pair) })
	t.Run("OnceClaim", func(t *testing.T) { onceClaim(t, pair) })
	t.Run("ClaimPatchByRoomOnce", func(t *testing.T) { claimPatchByRoomOnce(t, pair) })
	t.Run("MarkByRoom", func(t *testing.T) { markByRoom(t, pair) })
	t.Run("MarkByRoomOnce", func(t *testing.T) { markByRoomOnce(t, pair) })
}

// claimFirstWins: of many concurrent claims of one callId, on either store, exactly one
// wins, and a later claim gets the first record back (its answer included).
func claimFirstWins(t *testing.T, pair Pair) {
	ctx := context.Background()
	a, b := pair(t)
	stores := []callstore.Store{a, b}
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

// putIndexesRoom: Put makes the call findable by its room on the other store, and a new
// room replaces the old one in the index.
func putIndexesRoom(t *testing.T, pair Pair) {
	ctx := context.Background()
	a, b := pair(t)
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

// claimPatchOnce: exactly one of many concurrent patch claims wins, an unknown call is
// never patched, and a later Put does not reset the claim.
func claimPatchOnce(t *testing.T, pair Pair) {
	ctx := context.Background()
	a, b := pair(t)
	if ok, err := a.ClaimPatch(ctx, "unknown"); ok || err != nil {
		t.Fatalf("patched an unknown call (%v)", err)
	}
	a.Claim(ctx, callstore.Record{CallID: "c1"})
	stores := []callstore.Store{a, b}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := stores[i%2].ClaimPatch(ctx, "c1"); ok {
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
