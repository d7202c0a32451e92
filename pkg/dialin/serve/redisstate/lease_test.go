package redisstate_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

// leaseTTL is the lease tests' TTL: renewals every 100 ms keep a lease through a stall of
// more than a second and a half on a loaded machine.
const leaseTTL = 2 * time.Second

func TestLeaseOneHolderAtATime(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	rdb, prefix := client(t)
	other := clientOf(t, redistest.Shared(t))
	a := redisstate.NewLease(rdb, prefix, "pool-refill", "replica-a", leaseTTL)
	b := redisstate.NewLease(other, prefix, "pool-refill", "replica-b", leaseTTL)
	if ok, err := a.TryAcquire(ctx); !ok || err != nil {
		t.Fatalf("a: %v %v", ok, err)
	}
	if ok, _ := b.TryAcquire(ctx); ok {
		t.Fatal("b took a held lease")
	}
	if h, _ := b.Holder(ctx); h != "replica-a" {
		t.Fatalf("holder %q", h)
	}
	// Renewals keep it past its TTL.
	start := time.Now()
	for time.Since(start) < leaseTTL+500*time.Millisecond {
		if ok, err := a.Renew(ctx); !ok || err != nil {
			t.Fatalf("renew: %v %v", ok, err)
		}
		if ok, _ := b.TryAcquire(ctx); ok {
			t.Fatal("b took a renewed lease")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ok, _ := b.Release(ctx); ok {
		t.Fatal("b released a's lease")
	}
	if ok, _ := a.Release(ctx); !ok {
		t.Fatal("a could not release")
	}
	if ok, _ := b.TryAcquire(ctx); !ok {
		t.Fatal("b could not take a released lease")
	}
	// A holder that stops renewing loses the lease within the TTL.
	testkit.EventuallyWithin(t, leaseTTL+loadSlack, "b's lease to expire", func() bool {
		ok, _ := a.TryAcquire(ctx)
		return ok
	})
	if ok, _ := b.Renew(ctx); ok {
		t.Fatal("b renewed a lease it lost")
	}
}

// Do runs the work of one holder at a time, and cancels the work when the lease is lost.
func TestLeaseDo(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	rdb, prefix := client(t)
	var running, most, ran atomic.Int32
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := redisstate.NewLease(clientOf(t, redistest.Shared(t)), prefix, "job", "r", leaseTTL)
			deadline := time.Now().Add(30 * time.Second)
			for time.Now().Before(deadline) {
				did, err := l.Do(ctx, func(context.Context) error {
					n := running.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					time.Sleep(20 * time.Millisecond)
					running.Add(-1)
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				if did {
					ran.Add(1)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
			t.Errorf("holder %d never got the lease", i)
		}()
	}
	wg.Wait()
	if most.Load() != 1 || ran.Load() != 6 {
		t.Fatalf("%d ran at once at most, %d ran", most.Load(), ran.Load())
	}
	// Work outlasting several TTLs keeps the lease; a lost lease cancels the work.
	l := redisstate.NewLease(rdb, prefix, "long", "r", leaseTTL) // renewed every TTL/3
	thief := redisstate.NewLease(clientOf(t, redistest.Shared(t)), prefix, "long", "thief", time.Minute)
	did, err := l.Do(ctx, func(work context.Context) error {
		time.Sleep(2*leaseTTL + leaseTTL/4) // outlasts two TTLs
		if ok, _ := thief.TryAcquire(ctx); ok {
			return errors.New("lease taken while renewed")
		}
		rdb.Del(ctx, prefix+"lease:long") // an operator deletes it
		thief.TryAcquire(ctx)
		<-work.Done()
		if !errors.Is(context.Cause(work), redisstate.ErrLeaseLost) {
			return context.Cause(work)
		}
		return nil
	})
	if !did || err != nil {
		t.Fatalf("Do: %v %v", did, err)
	}
	if h, _ := thief.Holder(ctx); h != "thief" {
		t.Fatalf("the old holder's release removed the new holder's lease (holder %q)", h)
	}
}
