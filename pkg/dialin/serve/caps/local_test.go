package caps

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

type result struct {
	id  string
	a   Admission
	err error
}

// enqueue starts Acquire for id and waits until it is in the queue (or admitted).
func enqueue(t *testing.T, g *Local, req Request, out chan<- result) {
	t.Helper()
	before := g.Waiting()
	queued := make(chan struct{})
	go func() {
		a, err := g.Acquire(context.Background(), req, func(int, uint64) { close(queued) })
		out <- result{req.CallID, a, err}
	}()
	select {
	case <-queued:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s never queued", req.CallID)
	}
	if g.Waiting() != before+1 {
		t.Fatalf("waiting %d, want %d", g.Waiting(), before+1)
	}
}

func next(t *testing.T, out <-chan result) result {
	t.Helper()
	select {
	case r := <-out:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no admission")
	}
	return result{}
}

func TestFIFOOrder(t *testing.T) {
	t.Parallel()
	g := NewLocal(2, time.Hour)
	for _, id := range []string{"a", "b"} {
		if a, err := g.Acquire(context.Background(), Request{CallID: id}, nil); err != nil || a.Queued {
			t.Fatalf("%s: %+v %v", id, a, err)
		}
	}
	out := make(chan result, 10)
	for i := range 5 {
		enqueue(t, g, Request{CallID: fmt.Sprint("q", i)}, out)
	}
	holder := "a"
	for i := range 5 {
		if !g.Release(holder) {
			t.Fatalf("release %s: held nothing", holder)
		}
		r := next(t, out)
		if want := fmt.Sprint("q", i); r.id != want || r.err != nil || !r.a.Queued || r.a.Seq != uint64(i+3) || r.a.Order != uint64(i+3) {
			t.Fatalf("admitted %+v, want %s", r, want)
		}
		select {
		case extra := <-out:
			t.Fatalf("one release admitted two calls: %+v", extra)
		default:
		}
		holder = r.id
	}
	if g.Active() != 2 || g.Waiting() != 0 {
		t.Fatalf("active %d waiting %d", g.Active(), g.Waiting())
	}
}

func TestRuleCapDoesNotBlockOtherRules(t *testing.T) {
	t.Parallel()
	g := NewLocal(3, time.Hour)
	ctx := context.Background()
	if _, err := g.Acquire(ctx, Request{CallID: "s1", Rule: "sales", RuleCap: 1}, nil); err != nil {
		t.Fatal(err)
	}
	out := make(chan result, 10)
	enqueue(t, g, Request{CallID: "s2", Rule: "sales", RuleCap: 1}, out)
	// support is not held back by the sales call waiting ahead of it
	if a, err := g.Acquire(ctx, Request{CallID: "p1", Rule: "support"}, nil); err != nil || a.Queued {
		t.Fatalf("support: %+v %v", a, err)
	}
	if _, err := g.Acquire(ctx, Request{CallID: "p2", Rule: "support"}, nil); err != nil {
		t.Fatal(err)
	}
	// global cap 3 now full: support waits behind s2
	enqueue(t, g, Request{CallID: "p3", Rule: "support"}, out)
	g.Release("p1") // a global slot frees, but s2 is still capped by sales: p3 goes
	if r := next(t, out); r.id != "p3" {
		t.Fatalf("admitted %s, want p3", r.id)
	}
	g.Release("s1")
	if r := next(t, out); r.id != "s2" {
		t.Fatalf("admitted %s, want s2", r.id)
	}
}

func TestQueueTimeoutRefuses(t *testing.T) {
	t.Parallel()
	g := NewLocal(1, 30*time.Millisecond)
	ctx := context.Background()
	if _, err := g.Acquire(ctx, Request{CallID: "a"}, nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	positions := 0
	_, err := g.Acquire(ctx, Request{CallID: "b"}, func(pos int, _ uint64) { positions = pos })
	if !errors.Is(err, ErrQueueTimeout) || time.Since(start) < 30*time.Millisecond || positions != 1 {
		t.Fatalf("err %v after %v, position %d", err, time.Since(start), positions)
	}
	if g.Waiting() != 0 || g.Active() != 1 {
		t.Fatalf("waiting %d active %d after the timeout", g.Waiting(), g.Active())
	}
	// The refused call left no trace: a release admits nobody and frees the slot.
	g.Release("a")
	if g.Active() != 0 {
		t.Fatal("slot not freed")
	}
	// Zero timeout: over the cap means refused at once.
	g0 := NewLocal(1, 0)
	g0.Acquire(ctx, Request{CallID: "x"}, nil)
	if _, err := g0.Acquire(ctx, Request{CallID: "y"}, nil); !errors.Is(err, ErrQueueTimeout) {
		t.Fatalf("zero timeout: %v", err)
	}
}

func TestAcquireCancelled(t *testing.T) {
	t.Parallel()
	g := NewLocal(1, time.Hour)
	g.Acquire(context.Background(), Request{CallID: "a"}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := g.Acquire(ctx, Request{CallID: "b"}, func(int, uint64) { cancel() })
		done <- err
	}()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if g.Waiting() != 0 {
		t.Fatal("cancelled waiter still queued")
	}
}

func TestReleaseIdempotentAndDuplicateAcquire(t *testing.T) {
	t.Parallel()
	g := NewLocal(0, time.Hour) // no global cap
	ctx := context.Background()
	for i := range 100 {
		if _, err := g.Acquire(ctx, Request{CallID: fmt.Sprint(i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := g.Acquire(ctx, Request{CallID: "7"}, nil); !errors.Is(err, ErrAlreadyHeld) {
		t.Fatalf("duplicate acquire: %v", err)
	}
	if !g.Release("7") || g.Release("7") || g.Release("nope") {
		t.Fatal("release must report true once, then false")
	}
	if g.Active() != 99 {
		t.Fatalf("active %d", g.Active())
	}
}

// Under a concurrent burst the cap holds at every instant and every call is either admitted
// or refused.
func TestBurstNeverExceedsCap(t *testing.T) {
	t.Parallel()
	const n, capacity = 200, 5
	g := NewLocal(capacity, 200*time.Millisecond)
	var (
		mu              sync.Mutex
		running, maxRun int
		admitted, timed int
		wg              sync.WaitGroup
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprint(i)
			_, err := g.Acquire(context.Background(), Request{CallID: id}, nil)
			if err != nil {
				mu.Lock()
				timed++
				mu.Unlock()
				return
			}
			mu.Lock()
			running++
			admitted++
			maxRun = max(maxRun, running)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			g.Release(id)
		}()
	}
	wg.Wait()
	if maxRun > capacity || admitted+timed != n || admitted < capacity {
		t.Fatalf("max running %d, admitted %d, refused %d", maxRun, admitted, timed)
	}
	if g.Active() != 0 || g.Waiting() != 0 {
		t.Fatalf("leftovers: active %d waiting %d", g.Active(), g.Waiting())
	}
}
