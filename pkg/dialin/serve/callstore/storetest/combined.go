package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
)

// onceClaim: the replay mark and the claim in one step. Of many concurrent deliveries of one
// call, some with the same mark, exactly one claims the call and exactly one sees the mark
// first; a new mark on a known call is first but does not claim it; no mark is always first.
func onceClaim(t *testing.T, pair Pair) {
	ctx := context.Background()
	a, b := pair(t)
	stores := []callstore.Store{a, b}
	var claims, firsts atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := callstore.Record{CallID: "c1", From: fmt.Sprint(i), Answer: callstore.Answer{Status: 200, Body: []byte(fmt.Sprint(i))}}
			first, _, claimed, err := stores[i%2].OnceClaim(ctx, "sig:1", time.Hour, rec)
			if err != nil {
				t.Error(err)
			}
			if claimed {
				claims.Add(1)
			}
			if first {
				firsts.Add(1)
			}
		}()
	}
	wg.Wait()
	if claims.Load() != 1 || firsts.Load() != 1 {
		t.Fatalf("%d claims won, the mark was first %d times", claims.Load(), firsts.Load())
	}
	stored, ok, err := b.Get(ctx, "c1")
	if !ok || err != nil {
		t.Fatalf("Get: %v %v", ok, err)
	}
	first, existing, claimed, err := a.OnceClaim(ctx, "sig:2", time.Hour, callstore.Record{CallID: "c1", From: "late"})
	if err != nil || !first || claimed || existing.From != stored.From || string(existing.Answer.Body) != stored.From {
		t.Fatalf("a new mark on a known call: first %v claimed %v %+v (%v); stored %+v", first, claimed, existing, err, stored)
	}
	for i, want := range []bool{true, false} { // no mark: always first; claimed once
		first, _, claimed, err = b.OnceClaim(ctx, "", time.Hour, callstore.Record{CallID: "c2", Room: "r2"})
		if err != nil || !first || claimed != want {
			t.Fatalf("no mark, delivery %d: first %v claimed %v (%v)", i+1, first, claimed, err)
		}
	}
	if got, ok, _ := a.ByRoom(ctx, "r2"); !ok || got.CallID != "c2" {
		t.Fatalf("the claim did not index its room: %+v %v", got, ok)
	}
}

// claimPatchByRoomOnce: finding a call by its room and claiming its patch is one step that
// exactly one of many concurrent callers wins, shared with ClaimPatch.
func claimPatchByRoomOnce(t *testing.T, pair Pair) {
	ctx := context.Background()
	a, b := pair(t)
	if _, ok, claimed, err := a.ClaimPatchByRoom(ctx, "nowhere"); ok || claimed || err != nil {
		t.Fatalf("a room without a call: %v %v %v", ok, claimed, err)
	}
	a.Claim(ctx, callstore.Record{CallID: "c1"})
	a.Put(ctx, callstore.Record{CallID: "c1", Room: "r1", CallDomain: "dom", State: callstore.BotStarted})
	stores := []callstore.Store{a, b}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, ok, claimed, err := stores[i%2].ClaimPatchByRoom(ctx, "r1")
			if err != nil || !ok || rec.CallID != "c1" || rec.CallDomain != "dom" {
				t.Errorf("ClaimPatchByRoom = %+v %v %v", rec, ok, err)
			}
			if claimed {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d patch claims won", wins.Load())
	}
	if ok, _ := b.ClaimPatch(ctx, "c1"); ok {
		t.Fatal("ClaimPatch won after ClaimPatchByRoom")
	}
	a.Claim(ctx, callstore.Record{CallID: "c2", Room: "r2"})
	if ok, _ := a.ClaimPatch(ctx, "c2"); !ok {
		t.Fatal("ClaimPatch of a fresh call lost")
	}
	if _, ok, claimed, _ := b.ClaimPatchByRoom(ctx, "r2"); !ok || claimed {
		t.Fatalf("ClaimPatchByRoom after ClaimPatch: found %v, claimed %v", ok, claimed)
	}
}

// markByRoom: a mark changes the state and its time and keeps every other field as it was
// (read back by the other store); a call that ended takes no mark; an unknown room finds
// nothing; only Daily's states are marks.
func markByRoom(t *testing.T, pair Pair) {
	ctx := context.Background()
	a, b := pair(t)
	received := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	rec := callstore.Record{CallID: "c1", CallDomain: "dom", To: "+1555", From: "+1666 <x>&\"q\"/é", Rule: "sales", State: callstore.BotStarted,
		Owner: "a", Room: "r1", RoomURL: "https://d.daily.co/r1", SIPEndpoints: []string{"sip:a@x", "sip:b@x"}, SessionID: "s",
		ReceivedAt: received, Answer: callstore.Answer{Status: 200, Body: []byte(`{"status":"accepted"}`)}}
	a.Claim(ctx, rec)
	if _, ok, changed, err := b.MarkByRoom(ctx, "nowhere", callstore.Mark{State: callstore.Connected, At: time.Now()}); ok || changed || err != nil {
		t.Fatalf("a room without a call: %v %v %v", ok, changed, err)
	}
	if _, _, _, err := b.MarkByRoom(ctx, "r1", callstore.Mark{State: callstore.Admitted}); err == nil {
		t.Fatal("a mark of state admitted was taken")
	}
	at := received.Add(time.Second)
	got, ok, changed, err := b.MarkByRoom(ctx, "r1", callstore.Mark{State: callstore.Connected, At: at})
	want := rec
	want.State, want.ConnectedAt = callstore.Connected, at
	if err != nil || !ok || !changed || !same(got, want) {
		t.Fatalf("connected: %v %v %v\n got %+v\nwant %+v", ok, changed, err, got, want)
	}
	if stored, _, _ := a.Get(ctx, "c1"); !same(stored, want) {
		t.Fatalf("stored after connected: %+v", stored)
	}
	if ok, _ := a.ClaimPatch(ctx, "c1"); !ok {
		t.Fatal("a mark took the patch claim")
	}
	end := at.Add(time.Minute)
	got, _, changed, err = a.MarkByRoom(ctx, "r1", callstore.Mark{State: callstore.Ended, Reason: "stopped", At: end})
	want.State, want.Reason, want.EndedAt = callstore.Ended, "stopped", end
	if err != nil || !changed || !same(got, want) {
		t.Fatalf("ended: %v %v\n got %+v\nwant %+v", changed, err, got, want)
	}
	for _, m := range []callstore.Mark{{State: callstore.Connected, At: end}, {State: callstore.Ended, Reason: "again", At: end.Add(time.Hour)}} {
		if got, _, changed, _ := b.MarkByRoom(ctx, "r1", m); changed || !same(got, want) {
			t.Fatalf("an ended call took the mark %+v: %+v", m, got)
		}
	}
}

// markByRoomOnce: of many concurrent deliveries of one event to either store, exactly one
// changes the record.
func markByRoomOnce(t *testing.T, pair Pair) {
	ctx := context.Background()
	a, b := pair(t)
	a.Claim(ctx, callstore.Record{CallID: "c1", Room: "r1", State: callstore.BotStarted})
	stores := []callstore.Store{a, b}
	for _, st := range []callstore.State{callstore.Connected, callstore.Ended} {
		var changes atomic.Int32
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec, ok, changed, err := stores[i%2].MarkByRoom(ctx, "r1", callstore.Mark{State: st, At: time.Now()})
				if err != nil || !ok || rec.State != st {
					t.Errorf("MarkByRoom(%s) = %+v %v %v", st, rec, ok, err)
				}
				if changed {
					changes.Add(1)
				}
			}()
		}
		wg.Wait()
		if changes.Load() != 1 {
			t.Fatalf("%s: %d deliveries changed the record", st, changes.Load())
		}
	}
}

// same compares records by their fields, times by instant.
func same(x, y callstore.Record) bool {
	return x.ReceivedAt.Equal(y.ReceivedAt) && x.ConnectedAt.Equal(y.ConnectedAt) && x.EndedAt.Equal(y.EndedAt) &&
		slices.Equal(x.SIPEndpoints, y.SIPEndpoints) && string(x.Answer.Body) == string(y.Answer.Body) &&
		fmt.Sprint(strip(x)) == fmt.Sprint(strip(y))
}

func strip(r callstore.Record) callstore.Record {
	r.ReceivedAt, r.ConnectedAt, r.EndedAt, r.SIPEndpoints, r.Answer.Body = time.Time{}, time.Time{}, time.Time{}, nil, nil
	return r
}
