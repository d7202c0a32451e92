// Package historytest is the contract every history.Store implementation must meet, as one
// suite that each implementation's tests run: the in-memory store and the Redis store.
package historytest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

// New returns an empty store that keeps at most capacity calls, each for ttl.
type New func(t *testing.T, capacity int, ttl time.Duration) history.Store

// Run runs the contract against stores made by newStore.
func Run(t *testing.T, newStore New) {
	t.Run("KeptNewestFirst", func(t *testing.T) { t.Parallel(); keptNewestFirst(t, newStore) })
	t.Run("Capped", func(t *testing.T) { t.Parallel(); capped(t, newStore) })
	t.Run("Expired", func(t *testing.T) { t.Parallel(); expired(t, newStore) })
	t.Run("Swap", func(t *testing.T) { t.Parallel(); swap(t, newStore) })
}

func call(i int, at time.Time, outcome string) history.Call {
	return history.Call{CallID: fmt.Sprintf("c%d", i), From: fmt.Sprintf("+1555000%04d", i), To: "+14155550100",
		ReceivedAt: at, Outcome: outcome, Body: fmt.Sprintf(`{"callId":"c%d"}`, i),
		Steps: []history.Step{{Kind: "received", At: at}}}
}

// keptNewestFirst: Put then Get returns the call whole; a second Put replaces it; List is
// newest first and filters on outcome, number and since.
func keptNewestFirst(t *testing.T, newStore New) {
	ctx := context.Background()
	s := newStore(t, 10, time.Hour)
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	for i := range 3 {
		outcome := history.Answered
		if i == 1 {
			outcome = history.Refused
		}
		if err := s.Put(ctx, call(i, base.Add(time.Duration(i)*time.Second), outcome)); err != nil {
			t.Fatal(err)
		}
	}
	c := call(2, base.Add(2*time.Second), history.Failed)
	c.Steps = append(c.Steps, history.Step{Kind: "failed", SinceMs: 12.5, Detail: "starting the bot: boom"})
	if err := s.Put(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Get(ctx, "c2")
	if err != nil || !ok || got.Outcome != history.Failed || len(got.Steps) != 2 || got.Steps[1].Detail != "starting the bot: boom" || got.Body != c.Body || !got.ReceivedAt.Equal(c.ReceivedAt) {
		t.Fatalf("Get c2 = %+v, %v, %v", got, ok, err)
	}
	if _, ok, _ := s.Get(ctx, "nope"); ok {
		t.Fatal("unknown call found")
	}
	ids := func(f history.Filter) string {
		t.Helper()
		calls, err := s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, c := range calls {
			out += c.CallID + " "
		}
		return out
	}
	for _, tc := range []struct {
		f    history.Filter
		want string
	}{
		{history.Filter{}, "c2 c1 c0 "},
		{history.Filter{Outcome: history.Refused}, "c1 "},
		{history.Filter{Number: "0002"}, "c2 "},
		{history.Filter{Number: "4155550100", Limit: 2}, "c2 c1 "},
		{history.Filter{Since: base.Add(time.Second)}, "c2 c1 "},
	} {
		if got := ids(tc.f); got != tc.want {
			t.Errorf("List(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

// capped: past the cap the oldest received calls are gone, from List and Get.
func capped(t *testing.T, newStore New) {
	ctx := context.Background()
	s := newStore(t, 3, time.Hour)
	base := time.Now().Add(-time.Minute)
	for i := range 5 {
		if err := s.Put(ctx, call(i, base.Add(time.Duration(i)*time.Second), history.Answered)); err != nil {
			t.Fatal(err)
		}
	}
	calls, err := s.List(ctx, history.Filter{})
	if err != nil || len(calls) != 3 || calls[0].CallID != "c4" || calls[2].CallID != "c2" {
		t.Fatalf("List = %+v, %v; want c4 c3 c2", calls, err)
	}
	if _, ok, _ := s.Get(ctx, "c0"); ok {
		t.Fatal("c0 still there past the cap")
	}
}

// expired: a call not written for the TTL is gone.
func expired(t *testing.T, newStore New) {
	ctx := context.Background()
	s := newStore(t, 10, 300*time.Millisecond)
	if err := s.Put(ctx, call(1, time.Now(), history.Answered)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Get(ctx, "c1"); !ok {
		t.Fatal("c1 not kept")
	}
	testkit.EventuallyWithin(t, 5*time.Second, "the call to expire", func() bool {
		_, ok, _ := s.Get(ctx, "c1")
		calls, _ := s.List(ctx, history.Filter{})
		return !ok && len(calls) == 0
	})
}

// swap: Swap writes only over the version the caller has, else returns the stored one; a
// call that is unknown or trimmed by the cap is not written; a call read back (text that
// is not UTF-8 included) can be swapped.
func swap(t *testing.T, newStore New) {
	ctx := context.Background()
	s := newStore(t, 2, time.Hour)
	base := time.Now().Add(-time.Minute)
	c0 := call(0, base, history.InProgress)
	c0.Body = "{\"x\":\"\xff\xfe\"}"
	if err := s.Put(ctx, c0); err != nil {
		t.Fatal(err)
	}
	got, _, _ := s.Get(ctx, "c0")
	next := got
	next.Steps = append(slices.Clone(got.Steps), history.Step{Kind: "admitted", SinceMs: 1})
	if cur, ok, swapped, err := s.Swap(ctx, got, next); err != nil || !ok || !swapped || len(cur.Steps) != 2 {
		t.Fatalf("Swap over the stored version: %+v %v %v %v", cur, ok, swapped, err)
	}
	stale := got
	stale.Outcome = history.Failed
	cur, ok, swapped, err := s.Swap(ctx, got, stale)
	if err != nil || !ok || swapped || len(cur.Steps) != 2 || cur.Outcome != history.InProgress {
		t.Fatalf("Swap over a stale version: %+v %v %v %v", cur, ok, swapped, err)
	}
	if now, _, _ := s.Get(ctx, "c0"); len(now.Steps) != 2 {
		t.Fatalf("a stale Swap wrote: %+v", now)
	}
	if _, ok, swapped, _ := s.Swap(ctx, call(9, base, history.InProgress), call(9, base, history.Answered)); ok || swapped {
		t.Fatal("Swap wrote an unknown call")
	}
	for i := 1; i <= 2; i++ {
		s.Put(ctx, call(i, base.Add(time.Duration(i)*time.Second), history.Answered))
	}
	if _, ok, swapped, _ := s.Swap(ctx, cur, cur); ok || swapped {
		t.Fatal("Swap wrote a call trimmed by the cap")
	}
	if calls, _ := s.List(ctx, history.Filter{}); len(calls) != 2 {
		t.Fatalf("%d calls kept, cap 2", len(calls))
	}
}
