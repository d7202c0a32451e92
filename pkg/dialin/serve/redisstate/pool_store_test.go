package redisstate_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

func pooledRoom(name string, exp time.Time) serve.Room {
	return serve.Room{Name: name, URL: "https://d.example/" + name, SIPURI: name + "@sip.example",
		Endpoints: []string{"sip:" + name + "@sip.example"}, Exp: exp.Truncate(time.Second)}
}

// Many takers on several clients (replicas) at once: every room is handed out exactly once,
// whole, and an empty pool says so.
func TestPoolStoreHandsOutEachRoomOnce(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	_, prefix := client(t)
	stores := make([]*redisstate.PoolStore, 3)
	for i := range stores {
		stores[i] = redisstate.NewPoolStore(clientOf(t, redistest.Shared(t)), prefix)
	}
	now := time.Now()
	want := map[string]serve.Room{}
	for i := range 60 {
		r := pooledRoom(fmt.Sprintf("room-%02d", i), now.Add(2*time.Hour))
		want[r.Name] = r
		if err := stores[i%3].Add(ctx, "default", r, now.Add(time.Hour+time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				r, ok, _, err := stores[i%3].Take(ctx, "default", now)
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					return
				}
				mu.Lock()
				got[r.Name]++
				mu.Unlock()
				if w := want[r.Name]; r.URL != w.URL || r.SIPURI != w.SIPURI || !slices.Equal(r.Endpoints, w.Endpoints) || !r.Exp.Equal(w.Exp) {
					t.Errorf("room %s came back as %+v, want %+v", r.Name, r, w)
				}
			}
		}()
	}
	wg.Wait()
	if len(got) != 60 {
		t.Fatalf("%d distinct rooms handed out, want 60", len(got))
	}
	for name, n := range got {
		if n != 1 {
			t.Errorf("room %s handed out %d times", name, n)
		}
	}
}

// A room is never handed out once it has retired; the retired rooms are given to exactly
// one caller (to delete), and Len tells the fresh rooms from those due for replacement.
func TestPoolStoreNeverHandsOutARetiredRoom(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	rdb, prefix := client(t)
	s := redisstate.NewPoolStore(rdb, prefix)
	other := redisstate.NewPoolStore(clientOf(t, redistest.Shared(t)), prefix)
	now := time.Now()
	for i, retires := range []time.Duration{-time.Minute, 0, time.Minute, 10 * time.Minute} {
		if err := s.Add(ctx, "r", pooledRoom(fmt.Sprintf("room-%d", i), now.Add(time.Hour)), now.Add(retires)); err != nil {
			t.Fatal(err)
		}
	}
	// The key outlives the last room to retire (in 10 min) by an hour, no more.
	if ttl := rdb.PTTL(ctx, prefix+"pool:r").Val(); ttl < 69*time.Minute || ttl > 71*time.Minute {
		t.Errorf("the pool's key has TTL %v; want about 70 min", ttl)
	}
	lvl, err := other.Len(ctx, "r", now, now.Add(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if lvl.Ready != 2 || lvl.Fresh != 1 || !slices.Equal(lvl.Retired, []string{"room-0", "room-1"}) {
		t.Fatalf("len: %+v, want 2 ready, 1 fresh, rooms 0 and 1 retired", lvl)
	}
	r, ok, lvl, err := s.Take(ctx, "r", now)
	if err != nil || !ok || r.Name != "room-2" || lvl.Ready != 1 || len(lvl.Retired) != 0 {
		t.Fatalf("take: %v %v %+v %v; want room-2, one left, nothing retired twice", r.Name, ok, lvl, err)
	}
	// Later, room-3 has retired too: the pool is empty.
	_, ok, lvl, err = other.Take(ctx, "r", now.Add(10*time.Minute))
	if err != nil || ok || lvl.Ready != 0 || !slices.Equal(lvl.Retired, []string{"room-3"}) {
		t.Fatalf("take after room-3 retired: ok %v %+v %v", ok, lvl, err)
	}
}

// Take, Add and Len cost one round trip each.
func TestPoolStoreRoundTrips(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	rdb, prefix := client(t)
	rt := redisstate.CountRoundTrips(rdb)
	s := redisstate.NewPoolStore(rdb, prefix)
	now := time.Now()
	_, _, _, _ = s.Take(ctx, "r", now) // loads the script (NOSCRIPT, then EVAL)
	_ = s.Add(ctx, "r", pooledRoom("warm-up", now), now.Add(time.Hour))
	_, _ = s.Len(ctx, "r", now, now)
	before := rt.Load()
	if err := s.Add(ctx, "r", pooledRoom("a", now), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _, err := s.Take(ctx, "r", now); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if _, err := s.Len(ctx, "r", now, now); err != nil {
		t.Fatal(err)
	}
	if n := rt.Load() - before; n != 3 {
		t.Fatalf("Add, Take and Len cost %d round trips, want 3", n)
	}
}
