package routes

import (
	"context"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
)

// Another machine read the routes before this write and writes after it: its array, computed
// without this write's route, lands while the writer settles. The writer sees its route
// undone, puts it back (saying which in Restored), and both routes end up live; the other
// routes stay byte for byte.
func TestSettlePutsBackARouteAStaleWriteUndid(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.live(t)
	stale, err := e.store.Get(e.ctx) // the other machine's read, before this write
	if err != nil {
		t.Fatal(err)
	}
	staleNext, _, err := Upsert(stale, EntryChange{Key: NumberKey("+14155550151"), URL: ptr("https://other.example.com/dialin"), HMAC: ptr(secretC)})
	if err != nil {
		t.Fatal(err)
	}
	e.writer.Settle = 10 * time.Millisecond
	var settles int
	var hmacAfterWrite any
	e.writer.Sleep = func(_ context.Context, d time.Duration) error {
		if d >= 10*time.Millisecond && d <= 20*time.Millisecond {
			settles++
			if settles == 1 { // the stale write lands just after this writer verified its own
				hmacAfterWrite = e.live(t)["+14155550150"]["hmac"]
				if _, err := e.client.SetPinlessDialin(e.ctx, staleNext); err != nil {
					t.Error(err)
				}
			}
		}
		return nil
	}
	res, err := e.writer.Write(e.ctx, upsert("+14155550150", "https://mine.example.com/dialin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Restored) != 1 || res.Restored[0] != NumberKey("+14155550150") || !res.Changed {
		t.Fatalf("result: Restored %v, Changed %v", res.Restored, res.Changed)
	}
	live := e.live(t)
	if live["+14155550150"]["room_creation_api"] != "https://mine.example.com/dialin" ||
		live["+14155550151"]["room_creation_api"] != "https://other.example.com/dialin" {
		t.Fatalf("live routes: %v", keysOf(live))
	}
	if h := live["+14155550150"]["hmac"]; h == nil || h != hmacAfterWrite {
		t.Error("the put-back rotated the route's hmac (Daily generated it on the first write)")
	}
	for k, v := range before {
		if !testkit.SameJSON(live[k], v) {
			t.Errorf("route %s changed", k)
		}
	}
	if settles < 2 {
		t.Errorf("%d settle pauses: the put-back was not checked again", settles)
	}
}

// A route someone changed to something new after the write is theirs: not put back.
func TestSettleLeavesANewerChangeAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writer.Settle = 10 * time.Millisecond
	e.writer.Sleep = func(_ context.Context, d time.Duration) error {
		if d >= 10*time.Millisecond && d <= 20*time.Millisecond {
			if _, err := e.writer.Store.Set(e.ctx, mustUpsert(t, e, "+14155550150", "https://newer.example.com/dialin")); err != nil {
				t.Error(err)
			}
		}
		return nil
	}
	res, err := e.writer.Write(e.ctx, upsert("+14155550150", "https://mine.example.com/dialin"), nil)
	if err != nil || len(res.Restored) != 0 {
		t.Fatalf("err %v, Restored %v", err, res.Restored)
	}
	if got := e.live(t)["+14155550150"]["room_creation_api"]; got != "https://newer.example.com/dialin" {
		t.Fatalf("route now %v", got)
	}
}

func mustUpsert(t *testing.T, e *testEnv, number, url string) []daily.PinlessDialinEntry {
	cur, err := e.store.Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	next, _, err := Upsert(cur, EntryChange{Key: NumberKey(number), URL: &url})
	if err != nil {
		t.Fatal(err)
	}
	return next
}

func keysOf(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// slowStore answers every read and write after delay: a slow link to Daily, or a loaded machine.
type slowStore struct {
	Store
	delay time.Duration
}

func (s slowStore) Get(ctx context.Context) ([]daily.PinlessDialinEntry, error) {
	time.Sleep(s.delay)
	return s.Store.Get(ctx)
}

func (s slowStore) Set(ctx context.Context, e []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	time.Sleep(s.delay)
	return s.Store.Set(ctx, e)
}

// On a slow link another machine's round, and so the stale write it may send, is as slow as
// this writer's own: the settle waits at least twice the write's round (its re-read, the
// write and the read-back: three requests here), however short Settle is.
func TestSettleWaitsTwiceTheWritesRound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const delay = 100 * time.Millisecond
	e.writer.Store = slowStore{e.store, delay}
	e.writer.Now = time.Now
	e.writer.Settle = 10 * time.Millisecond
	var first time.Duration
	e.writer.Sleep = func(_ context.Context, d time.Duration) error {
		if first == 0 {
			first = d
		}
		return nil
	}
	if _, err := e.writer.Write(e.ctx, upsert("+14155550150", "https://mine.example.com/dialin"), nil); err != nil {
		t.Fatal(err)
	}
	if first < 2*3*delay {
		t.Fatalf("the settle slept %v after a write whose round took at least %v; want at least twice that", first, 3*delay)
	}
}
