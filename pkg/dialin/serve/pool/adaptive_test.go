package pool

import (
	"context"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// settled waits for two more refill passes of the default rule's pool: whatever the pool
// was going to create by then, it has started.
func (f *fixture) settled(t *testing.T) {
	t.Helper()
	rp := f.pool.rulePool("default")
	n := rp.passes.Load()
	testkit.Eventually(t, "two more refill passes", func() bool { return rp.passes.Load() >= n+2 })
}

// An auto pool with no calls keeps its floor, no more, and replaces those rooms before
// they retire.
func TestAutoPoolKeepsItsFloorAndReplacesItBeforeItExpires(t *testing.T) {
	t.Parallel()
	clock := dailytest.NewManualClock(time.Now())
	lifetime := 10 * time.Minute
	f := newFixture(t, fixtureOpts{auto: true, minRooms: 2, lifetime: lifetime, now: clock.Now, emu: []dailytest.Option{dailytest.WithClock(clock)}})
	testkit.Eventually(t, "the floor of 2 rooms", func() bool { return f.pool.Size("default") == 2 })
	f.settled(t)
	if n := f.emu.Count("POST", "/rooms"); n != 2 || f.pool.Target("default") != 2 || f.metric(t, "dialin_serve_room_pool_target") != 2 {
		t.Fatalf("with no calls: %d rooms created, target %d (metric %v); want the floor, 2", n, f.pool.Target("default"), f.metric(t, "dialin_serve_room_pool_target"))
	}
	old := map[string]bool{}
	for _, r := range f.pool.rulePool("default").snapshot() {
		old[r.Name] = true
	}
	clock.Advance(lifetime - 2*time.Second)
	testkit.Eventually(t, "replacements created ahead of the rooms' retirement", func() bool { return f.pool.Size("default") == 4 })
	clock.Advance(3 * time.Second)
	r, err := f.pool.Room(context.Background(), f.request("+15550001234"))
	if err != nil {
		t.Fatal(err)
	}
	if old[r.Name] {
		t.Fatalf("room %s was handed out after its lifetime", r.Name)
	}
	if f.metric(t, "dialin_serve_room_pool_hits_total") != 1 {
		t.Fatalf("the call after the old rooms retired missed the pool: its replacements were not ready")
	}
	testkit.Eventually(t, "the floor again", func() bool { return f.pool.Size("default") == 2 })
}

// An auto pool grows when calls come faster and, once they stop, lets the rooms beyond its
// floor go without replacing them.
func TestAutoPoolGrowsWithTheCallRateAndShrinksWhenCallsStop(t *testing.T) {
	t.Parallel()
	clock := dailytest.NewManualClock(time.Now())
	lifetime := 10 * time.Minute
	f := newFixture(t, fixtureOpts{auto: true, minRooms: 2, lifetime: lifetime, now: clock.Now, emu: []dailytest.Option{dailytest.WithClock(clock)}})
	testkit.Eventually(t, "the floor of 2 rooms", func() bool { return f.pool.Size("default") == 2 })

	// 20 calls in an instant of the pool's clock: an observed rate of 20/5 s = 4 calls/s,
	// and (a refill at 20/s replacing a room well within a second) a target of 2 s of them.
	f.takeAll(t, 20)
	testkit.Eventually(t, "the pool grown to its new target", func() bool {
		target := f.pool.Target("default")
		return target >= 8 && f.pool.Size("default") == target
	})
	grown := f.pool.Size("default")
	if grown > 16 {
		t.Fatalf("pool grew to %d for 4 calls/s; want about 8 (2 s of calls)", grown)
	}
	if got := f.metric(t, "dialin_serve_room_pool_target"); got != float64(grown) {
		t.Fatalf("room_pool_target = %v, want %d", got, grown)
	}

	// A minute without calls: the target falls back to the floor. The rooms beyond it are
	// handed out first and not replaced.
	clock.Advance(time.Minute)
	testkit.Eventually(t, "the target back at the floor", func() bool { return f.pool.Target("default") == 2 })
	f.takeAll(t, 3)
	created := f.emu.Count("POST", "/rooms")
	f.settled(t)
	if n := f.emu.Count("POST", "/rooms"); n != created || f.pool.Size("default") != grown-3 {
		t.Fatalf("after 3 calls the pool holds %d rooms and created %d more; want %d and none (it is above its target)", f.pool.Size("default"), n-created, grown-3)
	}
	// When the surplus retires, only the floor is replaced.
	clock.Advance(lifetime)
	testkit.Eventually(t, "the pool at its floor", func() bool { return f.pool.Size("default") == 2 })
	f.settled(t)
	if n := f.emu.Count("POST", "/rooms") - created; n != 2 || f.pool.Size("default") != 2 {
		t.Fatalf("after the rooms retired the pool created %d and holds %d; want the floor, 2", n, f.pool.Size("default"))
	}
}

// However fast calls come, an auto pool never grows beyond what its refill can replace
// before the rooms retire.
func TestAutoPoolNeverExceedsWhatItsRefillCanReplace(t *testing.T) {
	t.Parallel()
	clock := dailytest.NewManualClock(time.Now())
	// At 1 room/s, with 1 min rooms: replacements start at most 30 s ahead, less the 5 s
	// margin, so 25 rooms at most.
	f := newFixture(t, fixtureOpts{auto: true, minRooms: 1, refill: 1, lifetime: time.Minute, now: clock.Now, emu: []dailytest.Option{dailytest.WithClock(clock)}})
	testkit.Eventually(t, "the floor", func() bool { return f.pool.Size("default") == 1 })
	f.pool.rulePool("default").calls.observe(clock.Now(), 10000) // 2000 calls/s
	testkit.Eventually(t, "the target at the refill's cap", func() bool { return f.pool.Target("default") == 25 })
	f.settled(t)
	if got := f.metric(t, "dialin_serve_room_pool_target"); got != 25 {
		t.Fatalf("room_pool_target = %v, want 25", got)
	}
	if rp := f.pool.rulePool("default"); rp.lead(25) != 30*time.Second {
		t.Fatalf("a pool at its cap starts its replacements %s ahead, want half the lifetime (30s)", rp.lead(25))
	}
}

func TestAutoTargetArithmetic(t *testing.T) {
	t.Parallel()
	cases := []struct {
		rate           float64
		replace        time.Duration
		floor, ceiling int
		want           int
	}{
		{0, 0, 2, 100, 2},                     // no calls: the floor
		{4, 50 * time.Millisecond, 2, 100, 8}, // a fast refill: 2 s of calls
		{4, 3 * time.Second, 2, 100, 24},      // a slow one: twice its time
		{1000, time.Second, 2, 100, 100},      // the cap
		{0, 0, 5, 3, 3},                       // a floor above the cap is capped
		{0.1, time.Second, 0, 100, 1},         // any call rate keeps a room
	}
	for _, c := range cases {
		if got := autoTarget(c.rate, c.replace, c.floor, c.ceiling); got != c.want {
			t.Errorf("autoTarget(%v/s, %s, %d, %d) = %d, want %d", c.rate, c.replace, c.floor, c.ceiling, got, c.want)
		}
	}
	for _, c := range []struct {
		refill   float64
		lifetime time.Duration
		want     int
	}{{5, time.Hour, 1000}, {1, time.Minute, 25}, {0.01, time.Minute, 1}, {2, 10 * time.Minute, 590}} {
		if got := capRooms(c.refill, c.lifetime); got != c.want {
			t.Errorf("capRooms(%v/s, %s) = %d, want %d", c.refill, c.lifetime, got, c.want)
		}
	}
	var r callRate
	now := time.Now()
	r.observe(now, 20)
	if got := r.perSecond(now); got != 4 {
		t.Errorf("20 calls at once: %v/s, want 4", got)
	}
	if got := r.perSecond(now.Add(rateTau)); got < 1.47 || got > 1.48 {
		t.Errorf("one time constant later: %v/s, want 4/e", got)
	}
}
