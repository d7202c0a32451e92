package redisstate_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve/caps"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

// gates returns n gates on their own connections (n replicas) sharing one key prefix.
func gates(t *testing.T, n int, o redisstate.GateOptions) []*redisstate.Gate {
	t.Helper()
	_, prefix := client(t)
	o.Prefix = prefix
	var out []*redisstate.Gate
	for range n {
		g := redisstate.NewGate(clientOf(t, redistest.Shared(t)), o)
		t.Cleanup(func() { g.Close() })
		out = append(out, g)
	}
	return out
}

func stats(t *testing.T, g *redisstate.Gate) redisstate.GateStats {
	t.Helper()
	st, err := g.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// acquireAsync starts Acquire and reports its result on the returned channel.
type result struct {
	id  string
	adm caps.Admission
	err error
	at  time.Time
}

func acquireAsync(ctx context.Context, g *redisstate.Gate, req caps.Request, queued chan<- string) <-chan result {
	out := make(chan result, 1)
	go func() {
		adm, err := g.Acquire(ctx, req, func(int, uint64) {
			if queued != nil {
				queued <- req.CallID
			}
		})
		out <- result{req.CallID, adm, err, time.Now()}
	}()
	return out
}

func TestGateGlobalCapHoldsAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	gs := gates(t, 3, redisstate.GateOptions{Global: 4, QueueTimeout: 20 * time.Second})
	for i := range 4 {
		adm, err := gs[i%3].Acquire(ctx, caps.Request{CallID: fmt.Sprint("c", i)}, nil)
		if err != nil || adm.Queued {
			t.Fatalf("call %d: %+v %v", i, adm, err)
		}
	}
	if st := stats(t, gs[0]); st.Active != 4 || st.Waiting != 0 {
		t.Fatalf("stats %+v", st)
	}
	queued := make(chan string, 1)
	res := acquireAsync(ctx, gs[2], caps.Request{CallID: "c4"}, queued)
	<-queued
	if st := stats(t, gs[1]); st.Active != 4 || st.Waiting != 1 || gs[2].Waiting() != 1 {
		t.Fatalf("stats %+v, local waiting %d", st, gs[2].Waiting())
	}
	// A release on another replica than the holder's frees the slot for the waiting call.
	if !gs[1].Release("c0") {
		t.Fatal("release of a slot held by another replica reported nothing held")
	}
	r := <-res
	if r.err != nil || !r.adm.Queued || r.adm.Seq != 5 {
		t.Fatalf("waiting call: %+v %v", r.adm, r.err)
	}
	if gs[1].Release("c0") {
		t.Fatal("second release reported a slot")
	}
	if _, err := gs[0].Acquire(ctx, caps.Request{CallID: "c4"}, nil); !errors.Is(err, caps.ErrAlreadyHeld) {
		t.Fatalf("acquiring a held call again: %v", err)
	}
	if st := stats(t, gs[0]); st.Active != 4 {
		t.Fatalf("stats %+v", st)
	}
}

// Calls waiting on different replicas are admitted in the order they arrived.
func TestGateQueueIsFIFOAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	gs := gates(t, 3, redisstate.GateOptions{Global: 1, QueueTimeout: 20 * time.Second})
	if _, err := gs[0].Acquire(ctx, caps.Request{CallID: "holder"}, nil); err != nil {
		t.Fatal(err)
	}
	const n = 9
	queued := make(chan string, n)
	results := make([]<-chan result, n)
	for i := range n {
		results[i] = acquireAsync(ctx, gs[(i+1)%3], caps.Request{CallID: fmt.Sprint("w", i)}, queued)
		<-queued // arrival order is the order of the loop
	}
	prev := "holder"
	for i := range n {
		if !gs[i%3].Release(prev) {
			t.Fatalf("release of %s found no slot", prev)
		}
		r := <-results[i]
		if r.err != nil || r.id != fmt.Sprint("w", i) || !r.adm.Queued {
			t.Fatalf("admission %d: %+v", i, r)
		}
		for j := i + 1; j < n; j++ {
			select {
			case r := <-results[j]:
				t.Fatalf("%s admitted out of order (%+v)", r.id, r)
			default:
			}
		}
		prev = r.id
	}
}

// A call held back only by its own rule's cap does not hold back another rule's call.
func TestGateRuleCapDoesNotBlockOtherRules(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	gs := gates(t, 2, redisstate.GateOptions{Global: 5, QueueTimeout: 20 * time.Second})
	sales := func(id string) caps.Request { return caps.Request{CallID: id, Rule: "sales", RuleCap: 1} }
	if _, err := gs[0].Acquire(ctx, sales("s1"), nil); err != nil {
		t.Fatal(err)
	}
	queued := make(chan string, 1)
	s2 := acquireAsync(ctx, gs[1], sales("s2"), queued)
	<-queued
	adm, err := gs[0].Acquire(ctx, caps.Request{CallID: "x1", Rule: "support"}, nil)
	if err != nil || adm.Queued {
		t.Fatalf("another rule's call waited behind a rule-capped one: %+v %v", adm, err)
	}
	if st := stats(t, gs[0]); st.ByRule["sales"] != 1 || st.ByRule["support"] != 1 || st.Waiting != 1 {
		t.Fatalf("stats %+v", st)
	}
	gs[1].Release("s1")
	if r := <-s2; r.err != nil || !r.adm.Queued {
		t.Fatalf("s2: %+v", r)
	}
}

func TestGateQueueTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	gs := gates(t, 2, redisstate.GateOptions{Global: 1, QueueTimeout: 300 * time.Millisecond})
	gs[0].Acquire(ctx, caps.Request{CallID: "holder"}, nil)
	if _, err := gs[1].Acquire(ctx, caps.Request{CallID: "late"}, nil); !errors.Is(err, caps.ErrQueueTimeout) {
		t.Fatalf("over the cap: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	queued := make(chan string, 1)
	res := acquireAsync(cctx, gs[1], caps.Request{CallID: "cancelled"}, queued)
	<-queued
	cancel()
	if r := <-res; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled: %v", r.err)
	}
	if st := stats(t, gs[0]); st.Waiting != 0 || st.Active != 1 {
		t.Fatalf("tickets left behind: %+v", st)
	}
	// The slot is free for the next call once released.
	gs[1].Release("holder")
	if adm, err := gs[1].Acquire(ctx, caps.Request{CallID: "next"}, nil); err != nil || adm.Queued {
		t.Fatalf("after release: %+v %v", adm, err)
	}
}

// A replica that stops renewing (it died) gives its slots back within the lease TTL, and the
// call waiting on another replica gets one.
func TestGateDeadReplicaSlotsComeBackWithinLeaseTTL(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	const ttl = 1 * time.Second
	gs := gates(t, 2, redisstate.GateOptions{Global: 2, QueueTimeout: 20 * time.Second, LeaseTTL: ttl, Poll: 100 * time.Millisecond})
	dead, alive := gs[0], gs[1]
	dead.Acquire(ctx, caps.Request{CallID: "d1"}, nil)
	alive.Acquire(ctx, caps.Request{CallID: "a1"}, nil)
	queued := make(chan string, 1)
	res := acquireAsync(ctx, alive, caps.Request{CallID: "a2"}, queued)
	<-queued
	// The survivor keeps renewing a1 past several TTLs, while the dead replica's lease lapses.
	dead.Close()
	died := time.Now()
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	if late := r.at.Sub(died); late > ttl+loadSlack {
		t.Fatalf("the dead replica's slot came back after %v (lease TTL %v)", late, ttl)
	}
	testkit.EventuallyWithin(t, 3*ttl, "three lease periods", func() bool { return time.Since(died) > 3*ttl })
	if st := stats(t, alive); st.Active != 2 {
		t.Fatalf("the survivor's renewed slots: %+v", st)
	}
}

// A release by another replica is final: the holder's next renewal does not bring it back,
// and the holder stops counting it.
func TestGateRenewalRespectsReleaseElsewhere(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	gs := gates(t, 2, redisstate.GateOptions{Global: 3, LeaseTTL: time.Second})
	gs[0].Acquire(ctx, caps.Request{CallID: "c1"}, nil)
	if gs[0].Active() != 1 {
		t.Fatal("not held locally")
	}
	gs[1].Release("c1")
	testkit.EventuallyWithin(t, 3*time.Second, "the holder to drop the released slot", func() bool { return gs[0].Active() == 0 })
	if st := stats(t, gs[1]); st.Active != 0 {
		t.Fatalf("a renewal revived a released slot: %+v", st)
	}
}

// When Redis loses its data (a restart without persistence), the running calls' slots are
// taken again at the next renewal, so the cap keeps counting them.
func TestGateRestoresSlotsAfterRedisLostData(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	srv := redistest.Start(t)
	g := redisstate.NewGate(clientOf(t, srv), redisstate.GateOptions{Global: 2, LeaseTTL: time.Second, QueueTimeout: 200 * time.Millisecond})
	defer g.Close()
	g.Acquire(ctx, caps.Request{CallID: "c1"}, nil)
	g.Acquire(ctx, caps.Request{CallID: "c2"}, nil)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	testkit.EventuallyWithin(t, 5*time.Second, "the slots to be restored", func() bool {
		st, err := g.Stats(ctx)
		return err == nil && st.Active == 2
	})
	if _, err := g.Acquire(ctx, caps.Request{CallID: "c3"}, nil); !errors.Is(err, caps.ErrQueueTimeout) {
		t.Fatalf("a third call got a slot past the cap after the restart: %v", err)
	}
}

// Without Redis a new call is refused with an error (not admitted, not queued forever).
func TestGateRedisDownRefuses(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	srv := redistest.Start(t)
	g := redisstate.NewGate(clientOf(t, srv), redisstate.GateOptions{Global: 2})
	defer g.Close()
	srv.Stop()
	_, err := g.Acquire(ctx, caps.Request{CallID: "c1"}, nil)
	if err == nil || errors.Is(err, caps.ErrQueueTimeout) {
		t.Fatalf("Acquire without Redis: %v", err)
	}
	if g.Release("c1") {
		t.Fatal("release without Redis reported a slot")
	}
}

// Many calls on three replicas at once never hold more than the cap, and all get through.
func TestGateConcurrentBurst(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	const capacity, calls = 5, 60
	gs := gates(t, 3, redisstate.GateOptions{Global: capacity, QueueTimeout: 30 * time.Second, Poll: 50 * time.Millisecond})
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := gs[i%3]
			id := fmt.Sprint("b", i)
			if _, err := g.Acquire(ctx, caps.Request{CallID: id}, nil); err != nil {
				t.Error(id, err)
				return
			}
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			time.Sleep(2 * time.Millisecond) // hold the slot briefly, as a call would
			mu.Lock()
			inside--
			mu.Unlock()
			gs[(i+1)%3].Release(id)
		}()
	}
	wg.Wait()
	if most > capacity || most < 2 {
		t.Fatalf("at most %d calls inside at once, cap %d", most, capacity)
	}
	if st := stats(t, gs[0]); st.Active != 0 || st.Waiting != 0 {
		t.Fatalf("left over: %+v", st)
	}
}
