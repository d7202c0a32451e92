package routes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

func TestLockExcludesASecondHolderUntilReleased(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state", "routes.lock")
	first, err := acquireLock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("lock file mode %v", st.Mode().Perm())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := acquireLock(ctx, path); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second holder got the lock: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := acquireLock(context.Background(), path)
		if err == nil {
			err = l.release()
		}
		got <- err
	}()
	if err := first.release(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("waiting holder: %v", err)
	}
}

// TestLockSerialisesWritersInOneProcess runs eight Writers at once, each adding its own
// number, with added API latency to widen any overlap. With the lock, no writer ever runs
// while another is between its read and its verified write, none has to recompute or retry,
// and every route is there at the end.
func TestLockSerialisesWritersInOneProcess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.SetLatency(2 * time.Millisecond)
	var inside, maxInside atomic.Int32
	numbers := liveNumbers[2:10]
	results := make([]*WriteResult, len(numbers))
	errs := make([]error, len(numbers))
	var wg sync.WaitGroup
	for i, n := range numbers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := *e.writer // each goroutine its own Writer, sharing only the lock path
			w.Store = NewDailyStore(e.client)
			mutate := func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
				if v := inside.Add(1); v > maxInside.Load() {
					maxInside.Store(v)
				}
				next, _, err := Upsert(cur, EntryChange{Key: NumberKey(n), URL: ptr(fmt.Sprintf("https://w%d.example.com/dialin", i))})
				return next, err
			}
			verify := func([]daily.PinlessDialinEntry) error { inside.Add(-1); return nil }
			results[i], errs[i] = w.Write(e.ctx, mutate, verify)
		}()
	}
	wg.Wait()
	for i := range numbers {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v", i, errs[i])
		}
		if r := results[i]; r.Attempts != 1 || r.Recomputed != 0 {
			t.Errorf("writer %d raced: %+v", i, r)
		}
	}
	if maxInside.Load() != 1 {
		t.Errorf("%d writers were inside the critical section at once", maxInside.Load())
	}
	live := e.live(t)
	if len(live) != 3+len(numbers) {
		t.Errorf("%d routes at the end, want %d", len(live), 3+len(numbers))
	}
	for _, n := range numbers {
		if live[n] == nil {
			t.Errorf("route %s lost", n)
		}
	}
}

func TestApplyRefusesAStalePlan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cur, _ := e.store.Get(e.ctx)
	s, err := ParseSpec("f", []byte(planSpec), env(map[string]string{"ROTATED": secretC}))
	if err != nil {
		t.Fatal(err)
	}
	p := Plan(cur, s, false)
	saved, _ := EncodePlanFile(p)
	// Someone changes the routes after the plan was made.
	if _, err := e.writer.Write(e.ctx, upsert("+14155550157", "https://late.example.com/dialin"), nil); err != nil {
		t.Fatal(err)
	}
	posts := e.srv.Count("POST", "/")
	loaded, _ := DecodePlanFile(saved)
	_, err = e.writer.Write(e.ctx, loaded.Next, nil)
	if !errors.Is(err, ErrStalePlan) || e.srv.Count("POST", "/") != posts {
		t.Fatalf("stale plan applied or wrong error: %v", err)
	}

	// A fresh plan applies, and exactly as shown.
	cur, _ = e.store.Get(e.ctx)
	p = Plan(cur, s, false)
	res, err := e.writer.Write(e.ctx, p.Next, nil)
	if err != nil {
		t.Fatal(err)
	}
	live := e.live(t)
	if !res.Changed || live["+14155550177"] == nil || live["+14155550100"]["hmac"] != secretC || live["+14155550101"]["hmac"] != secretB || len(live) != 5 {
		t.Errorf("after apply: %v", e.srv.PinlessDialin())
	}
	again, _ := e.store.Get(e.ctx)
	if Plan(again, s, false).HasChanges() {
		t.Error("planning the applied file again shows changes")
	}
}
