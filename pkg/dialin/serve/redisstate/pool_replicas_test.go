package redisstate_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

// Two replicas share one pool in Redis, against an emulator with Daily's rate limits: one of
// them (the refill lease's holder) creates all the rooms, exactly as many as the pool holds,
// at the refill rate; every room is handed out once across both.
func TestSharedPoolOneRefillerEveryRoomOnce(t *testing.T) {
	t.Parallel()
	const rooms, refill = 10, 5
	s := newSharedPool(t, sharedOpts{rooms: rooms, refill: refill})
	a, b := s.start("replica-a"), s.start("replica-b")
	testkit.EventuallyWithin(t, 20*time.Second, "a full shared pool", func() bool { return a.pool.Size("default") == rooms && b.pool.Size("default") == rooms })

	holder := s.holder()
	by := s.addedBy()
	if holder == "" || len(by) != 1 || by[holder] != rooms {
		t.Fatalf("rooms added by %v (lease holder %q); want all %d by the holder alone", by, holder, rooms)
	}
	created, limited := s.roomsCreated()
	if len(created) != rooms || limited != 0 {
		t.Fatalf("Daily created %d rooms (and answered 429 %d times); want exactly %d, no 429", len(created), limited, rooms)
	}
	// At most the refill rate: the limiter allows 1 at once, then one every 1/refill s
	// (plus one for the answers' jitter).
	for i := range created {
		n := 0
		for _, at := range created[i:] {
			if at.Sub(created[i]) <= time.Second {
				n++
			}
		}
		if n > refill+2 {
			t.Fatalf("%d rooms created within a second from %s; the refill rate is %d/s", n, created[i].Format("15:04:05.000"), refill)
		}
	}

	// Daily fails from now on: only pooled rooms can be handed out.
	s.emu.FailRate(1, 503)
	got, errs := s.takeAll(rooms)
	seen := map[string]bool{}
	for i, r := range got {
		if errs[i] != nil {
			t.Fatalf("take %d: %v", i, errs[i])
		}
		if seen[r.Name] || s.addedByWhom(r.Name) == "" {
			t.Fatalf("room %s handed out twice, or not a pooled room", r.Name)
		}
		seen[r.Name] = true
	}
	// serve retries a room for as long as the caller can hold (the flow's deadline); a short
	// hold keeps the test short.
	hold, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := b.pool.Room(hold, s.request("+15550009999")); err == nil {
		t.Fatal("with the shared pool empty and Daily failing, a room should fail")
	}
	if hits := s.metric("dialin_serve_room_pool_hits_total"); hits != rooms {
		t.Errorf("hits across both replicas = %v, want %d", hits, rooms)
	}
}

// The replica holding the refill lease dies (its Redis connection is gone: no renewal, no
// release): the other takes over refilling within the lease's TTL.
func TestSharedPoolRefillMovesWhenTheHolderDies(t *testing.T) {
	t.Parallel()
	const ttl = 2 * time.Second
	s := newSharedPool(t, sharedOpts{rooms: 4, refill: 20, leaseTTL: ttl, emu: []dailytest.Option{dailytest.WithoutRateLimit()}})
	a := s.start("replica-a")
	testkit.EventuallyWithin(t, 20*time.Second, "a full pool", func() bool { return a.pool.Size("default") == 4 })
	if h := s.holder(); h != "replica-a" {
		t.Fatalf("holder %q", h)
	}
	b := s.start("replica-b")
	a.rdb.Close()
	died := time.Now()
	for range 2 {
		if _, err := b.pool.Room(context.Background(), s.request("+15550001111")); err != nil {
			t.Fatal(err)
		}
	}
	testkit.EventuallyWithin(t, ttl+loadSlack, "replica-b to hold the refill lease", func() bool { return s.holder() == "replica-b" })
	if took := time.Since(died); took > ttl+loadSlack {
		t.Errorf("replica-b took over %s after replica-a died; want within the lease TTL (%s) and a retry", took, ttl)
	}
	testkit.EventuallyWithin(t, 20*time.Second, "replica-b to refill", func() bool { return b.pool.Size("default") == 4 })
	if by := s.addedBy(); by["replica-b"] != 2 || by["replica-a"] != 4 {
		t.Errorf("rooms added by %v; want 4 by replica-a, then 2 by replica-b", by)
	}
}

// A replica that stops (Close) gives the lease up at once: the other refills right away.
func TestSharedPoolRefillMovesWhenTheHolderStops(t *testing.T) {
	t.Parallel()
	s := newSharedPool(t, sharedOpts{rooms: 3, refill: 20, leaseTTL: time.Minute, emu: []dailytest.Option{dailytest.WithoutRateLimit()}})
	a := s.start("replica-a")
	testkit.EventuallyWithin(t, 20*time.Second, "a full pool", func() bool { return a.pool.Size("default") == 3 })
	b := s.start("replica-b")
	a.pool.Close()
	if _, err := b.pool.Room(context.Background(), s.request("+15550001111")); err != nil {
		t.Fatal(err)
	}
	testkit.EventuallyWithin(t, 20*time.Second, "replica-b to refill, long before the lease's minute", func() bool {
		return s.holder() == "replica-b" && b.pool.Size("default") == 3
	})
}

// Rooms past their lifetime are never handed out, by any replica, and each is deleted at
// Daily exactly once.
func TestSharedPoolNeverHandsOutExpiredRooms(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	clock := dailytest.NewManualClock(time.Now())
	lifetime := 10 * time.Minute
	s := newSharedPool(t, sharedOpts{rooms: 3, refill: 20, lifetime: lifetime, now: clock.Now, leaseRetry: time.Hour,
		emu: []dailytest.Option{dailytest.WithClock(clock), dailytest.WithoutRateLimit()}})
	a, b := s.start("replica-a"), s.start("replica-b")
	testkit.EventuallyWithin(t, 20*time.Second, "a full pool", func() bool { return a.pool.Size("default") == 3 })
	old := s.addedBy()
	// The refiller stops, and the test takes the lease: nobody replaces the rooms, so the
	// old ones are all the pool has when they retire.
	refiller, other := a, b
	if s.holder() == "replica-b" {
		refiller, other = b, a
	}
	refiller.pool.Close()
	if ok, err := redisstate.NewLease(clientOf(t, redistest.Shared(t)), s.prefix, "pool-refill:default", "test", time.Minute).TryAcquire(ctx); !ok || err != nil {
		t.Fatalf("taking the lease: %v %v", ok, err)
	}
	var names []string
	for name := range s.addsCopy() {
		names = append(names, name)
	}
	clock.Advance(lifetime)
	r, err := other.pool.Room(ctx, s.request("+15550001234"))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(names, r.Name) {
		t.Fatalf("room %s was handed out after its lifetime", r.Name)
	}
	if got := s.metric("dialin_serve_room_pool_misses_total"); got != 1 {
		t.Errorf("misses = %v, want 1 (the call's room was made on demand)", got)
	}
	testkit.EventuallyWithin(t, 10*time.Second, "the retired rooms deleted", func() bool {
		n := 0
		for _, name := range names {
			n += s.emu.Count("DELETE", "/rooms/"+name)
		}
		return n == len(names)
	})
	if len(names) != 3 || old[refiller.id] != 3 {
		t.Fatalf("rooms added: %v; want the 3 of the refiller", s.addsCopy())
	}
	for _, name := range names {
		if n := s.emu.Count("DELETE", "/rooms/"+name); n != 1 {
			t.Errorf("room %s deleted %d times, want once", name, n)
		}
	}
	if got := s.metric("dialin_serve_room_pool_retired_total"); got != 3 {
		t.Errorf("retired = %v, want 3", got)
	}
}
