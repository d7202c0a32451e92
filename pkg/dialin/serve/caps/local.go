package caps

import (
	"context"
	"sync"
	"time"
)

// Local is an in-memory Gate for one serve process.
type Local struct {
	global  int
	timeout time.Duration

	mu      sync.Mutex
	active  map[string]string // callId → rule
	perRule map[string]int
	queue   []*waiter
	seq     uint64
	order   uint64
}

type waiter struct {
	req      Request
	seq      uint64
	since    time.Time
	ready    chan struct{}
	admitted Admission
	done     bool
}

// NewLocal returns a gate with a global cap (0: none) and a queue timeout (0: a call over a
// cap is refused at once).
func NewLocal(global int, queueTimeout time.Duration) *Local {
	return &Local{global: global, timeout: queueTimeout, active: map[string]string{}, perRule: map[string]int{}}
}

func (g *Local) fits(r Request) bool {
	return (g.global <= 0 || len(g.active) < g.global) && (r.RuleCap <= 0 || g.perRule[r.Rule] < r.RuleCap)
}

// take gives r a slot. Caller holds g.mu.
func (g *Local) take(r Request) {
	g.active[r.CallID] = r.Rule
	g.perRule[r.Rule]++
	g.order++
}

// Acquire implements Gate.
func (g *Local) Acquire(ctx context.Context, req Request, queued func(int, uint64)) (Admission, error) {
	g.mu.Lock()
	if _, held := g.active[req.CallID]; held {
		g.mu.Unlock()
		return Admission{}, ErrAlreadyHeld
	}
	g.seq++
	// Every waiter is blocked by a cap that also blocks this call if it would block it
	// (admission is eager), so taking a free slot at once never jumps the queue.
	if g.fits(req) {
		g.take(req)
		a := Admission{Seq: g.seq, Order: g.order}
		g.mu.Unlock()
		return a, nil
	}
	w := &waiter{req: req, seq: g.seq, since: time.Now(), ready: make(chan struct{})}
	g.queue = append(g.queue, w)
	pos := len(g.queue)
	g.mu.Unlock()
	if queued != nil {
		queued(pos, w.seq)
	}

	timer := time.NewTimer(g.timeout)
	defer timer.Stop()
	var err error
	select {
	case <-w.ready:
		return w.admitted, nil
	case <-timer.C:
		err = ErrQueueTimeout
	case <-ctx.Done():
		err = ctx.Err()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if w.done { // admitted while the timer fired: keep the slot
		return w.admitted, nil
	}
	for i, q := range g.queue {
		if q == w {
			g.queue = append(g.queue[:i], g.queue[i+1:]...)
			break
		}
	}
	return Admission{}, err
}

// Release implements Gate.
func (g *Local) Release(callID string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	rule, ok := g.active[callID]
	if !ok {
		return false
	}
	delete(g.active, callID)
	if g.perRule[rule]--; g.perRule[rule] <= 0 {
		delete(g.perRule, rule)
	}
	g.promote()
	return true
}

// promote admits waiters, in order, while their caps allow. Caller holds g.mu.
func (g *Local) promote() {
	kept := g.queue[:0]
	for _, w := range g.queue {
		if g.fits(w.req) {
			g.take(w.req)
			w.admitted = Admission{Queued: true, Seq: w.seq, Order: g.order, Waited: time.Since(w.since)}
			w.done = true
			close(w.ready)
			continue
		}
		kept = append(kept, w)
	}
	clear(g.queue[len(kept):])
	g.queue = kept
}

// Waiting implements Gate.
func (g *Local) Waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}

// Active implements Gate.
func (g *Local) Active() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.active)
}
