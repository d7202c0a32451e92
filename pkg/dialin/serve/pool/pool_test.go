package pool

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

type fixture struct {
	emu    *dailytest.Server
	client *daily.Client
	cfg    *serveconfig.Config
	pool   *Pool
	reg    *prometheus.Registry
}

type fixtureOpts struct {
	rooms    int
	auto     bool // pool.rooms: auto, from minRooms
	minRooms int
	refill   float64
	lifetime time.Duration
	roomExp  time.Duration
	emu      []dailytest.Option
	client   []daily.Option
	now      func() time.Time
	noStart  bool
}

func newFixture(t *testing.T, o fixtureOpts) *fixture {
	t.Helper()
	f := &fixture{emu: dailytest.New(t, o.emu...), reg: prometheus.NewRegistry()}
	f.client = daily.New(f.emu.APIKey, append([]daily.Option{daily.WithBaseURL(f.emu.URL)}, o.client...)...)
	if o.refill == 0 {
		o.refill = 20
	}
	f.cfg = &serveconfig.Config{
		Room:    rules.Room{Exp: o.roomExp},
		Pool:    rules.Pool{Rooms: o.rooms, Auto: o.auto, MinRooms: o.minRooms, RefillPerSecond: o.refill, RoomLifetime: o.lifetime},
		Default: &rules.Rule{Bot: rules.Bot{Cmd: "/bin/true"}},
	}
	if err := f.cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	var err error
	f.pool, err = New(Config{Client: f.client, Config: f.cfg, Registerer: f.reg, Now: o.now, CheckEvery: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.pool.Close() })
	if !o.noStart {
		if err := f.pool.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) request(from string) serve.RoomRequest {
	return serve.RoomRequest{CallID: "c-" + from, CallDomain: "d", From: from, To: "+14155550100", Rule: f.cfg.Default}
}

// metric returns the default rule's series of name.
func (f *fixture) metric(t *testing.T, name string) float64 {
	t.Helper()
	fams, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range fams {
		if fam.GetName() == name {
			for _, m := range fam.GetMetric() {
				if m.Gauge != nil {
					return m.Gauge.GetValue()
				}
				return m.Counter.GetValue()
			}
		}
	}
	return 0
}

// status429 counts the answers of 429 in the emulator's log.
func (f *fixture) status429() int {
	n := 0
	for _, r := range f.emu.Requests() {
		if r.Status == 429 {
			n++
		}
	}
	return n
}

// takeAll asks for n rooms at once and returns them (failing the test on any error).
func (f *fixture) takeAll(t *testing.T, n int) []serve.Room {
	t.Helper()
	rooms := make([]serve.Room, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rooms[i], errs[i] = f.pool.Room(context.Background(), f.request(fmt.Sprintf("+1555000%04d", i)))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("room %d: %v", i, err)
		}
	}
	return rooms
}

func TestPooledRoomNeedsNoRequestAndIsHandedOutOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{rooms: 8})
	testkit.Eventually(t, "a full pool", func() bool { return f.pool.Size("default") == 8 })
	// From now on every request to Daily fails: only pooled rooms can be handed out, so a
	// success proves the call's room cost no request.
	f.emu.FailRate(1, 503)
	rooms := f.takeAll(t, 8)
	seen := map[string]bool{}
	for _, r := range rooms {
		if seen[r.Name] || r.SIPURI == "" || r.URL == "" {
			t.Fatalf("room %+v handed out twice or incomplete", r)
		}
		seen[r.Name] = true
	}
	// serve retries a room for as long as the caller can hold (the flow's deadline); a short
	// hold keeps the test short.
	hold, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := f.pool.Room(hold, f.request("+15550009999")); err == nil {
		t.Fatal("with the pool empty and Daily failing, a room should fail")
	}
	if f.metric(t, "dialin_serve_room_pool_hits_total") != 8 || f.metric(t, "dialin_serve_room_pool_misses_total") != 1 {
		t.Errorf("hits %v misses %v", f.metric(t, "dialin_serve_room_pool_hits_total"), f.metric(t, "dialin_serve_room_pool_misses_total"))
	}
}

func TestPoolExhaustedFallsBackToOnDemandWithinDailysLimit(t *testing.T) {
	t.Parallel()
	// Daily's rate limits are on (the emulator's default): a burst far larger than the pool
	// must be paced so that Daily never answers 429.
	f := newFixture(t, fixtureOpts{rooms: 5})
	testkit.Eventually(t, "a full pool", func() bool { return f.pool.Size("default") == 5 })
	rooms := f.takeAll(t, 70)
	seen := map[string]bool{}
	for _, r := range rooms {
		if seen[r.Name] {
			t.Fatalf("room %s handed out twice", r.Name)
		}
		seen[r.Name] = true
	}
	hits, misses := f.metric(t, "dialin_serve_room_pool_hits_total"), f.metric(t, "dialin_serve_room_pool_misses_total")
	if hits+misses != 70 || hits < 5 || misses < 50 {
		t.Errorf("hits %v misses %v, want 5 or a few more hits (refills during the burst) and the rest misses", hits, misses)
	}
	if n := f.status429(); n != 0 {
		t.Errorf("Daily answered 429 %d times: the burst went over its limit", n)
	}
	// A room made on demand knows its caller; a pooled one cannot.
	byName := map[string]string{}
	for r, err := range f.client.Rooms(context.Background(), daily.RoomQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Config.SIP != nil {
			byName[r.Name] = r.Config.SIP.DisplayName
		}
	}
	names := map[string]int{}
	for _, r := range rooms {
		names[byName[r.Name]]++
	}
	if names["dial-in"] < 5 || names["dial-in"] == 70 {
		t.Errorf("display names %v: want pooled rooms as dial-in and on-demand rooms with the caller", names)
	}
	testkit.Eventually(t, "the pool refilled", func() bool { return f.pool.Size("default") == 5 })
}

func TestPoolRefillBacksOffOn429AndRecovers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{rooms: 3, noStart: true, client: []daily.Option{daily.WithRetryPolicy(daily.RetryPolicy{MaxAttempts: 1})}})
	f.emu.FailNext(429, 2)
	if err := f.pool.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "the pool to recover", func() bool { return f.pool.Size("default") == 3 })
	if got := f.metric(t, "dialin_serve_room_pool_create_errors_total"); got != 2 {
		t.Errorf("create errors = %v, want 2", got)
	}
	var lastFail, firstRetry time.Time
	for _, r := range f.emu.Requests() {
		if r.Method != "POST" || r.Path != "/rooms" {
			continue
		}
		if r.Status == 429 {
			lastFail = r.At
		} else if firstRetry.IsZero() {
			firstRetry = r.At
		}
	}
	if gap := firstRetry.Sub(lastFail); gap < 900*time.Millisecond {
		t.Errorf("the refill came back %s after the 429s; want a back-off of about 1 s", gap)
	}
}

func TestPoolRoomsAreReplacedBeforeTheyExpire(t *testing.T) {
	t.Parallel()
	clock := dailytest.NewManualClock(time.Now())
	lifetime, roomExp := 10*time.Minute, 2*time.Minute
	f := newFixture(t, fixtureOpts{rooms: 2, lifetime: lifetime, roomExp: roomExp, now: clock.Now, emu: []dailytest.Option{dailytest.WithClock(clock)}})
	testkit.Eventually(t, "a full pool", func() bool { return f.pool.Size("default") == 2 })
	old := map[string]bool{}
	for _, p := range f.pool.rulePool("default").snapshot() {
		old[p.Name] = true
		if got := p.Exp.Sub(clock.Now()); got < lifetime+roomExp {
			t.Errorf("room %s expires in %s, want at least lifetime + room exp", p.Name, got)
		}
	}
	// Near the end of their lifetime the rooms are still handed out, and replacements are
	// created ahead of time.
	clock.Advance(lifetime - 2*time.Second)
	testkit.Eventually(t, "replacements created ahead", func() bool { return f.pool.Size("default") == 4 })
	// Past their lifetime the old rooms are never handed out, and are deleted.
	clock.Advance(3 * time.Second)
	for range 2 {
		r, err := f.pool.Room(context.Background(), f.request("+15550001234"))
		if err != nil {
			t.Fatal(err)
		}
		if old[r.Name] {
			t.Fatalf("room %s was handed out after its lifetime", r.Name)
		}
		if left := r.Exp.Sub(clock.Now()); left < roomExp {
			t.Errorf("handed-out room has %s left, want at least %s", left, roomExp)
		}
	}
	testkit.Eventually(t, "the old rooms deleted", func() bool {
		n := 0
		for name := range old {
			n += f.emu.Count("DELETE", "/rooms/"+name)
		}
		return n == 2
	})
	for name := range old {
		if _, err := f.client.Room(context.Background(), name); !daily.IsNotFound(err) {
			t.Errorf("retired room %s still exists (err %v)", name, err)
		}
	}
	if f.metric(t, "dialin_serve_room_pool_retired_total") != 2 {
		t.Errorf("retired = %v, want 2", f.metric(t, "dialin_serve_room_pool_retired_total"))
	}
	testkit.Eventually(t, "the pool refilled", func() bool { return f.pool.Size("default") == 2 })
}

// snapshot lists the pooled rooms, oldest first.
func (rp *rulePool) snapshot() []serve.Room {
	return rp.p.store.(*MemoryStore).Rooms(rp.rule.Name)
}

func (p *Pool) rulePool(name string) *rulePool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pools[name]
}
