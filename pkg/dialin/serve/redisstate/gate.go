package redisstate

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/pkg/dialin/serve/caps"
)

// GateOptions configure a Gate. Every replica must use the same caps.
type GateOptions struct {
	Global       int           // calls running at once across every replica (0: no cap)
	QueueTimeout time.Duration // how long a call over a cap waits (0: refused at once)
	Prefix       string        // key prefix; "": DefaultPrefix
	// LeaseTTL is how long a slot (or a waiting call's ticket) outlives its replica's last
	// renewal: a replica that dies gives its slots back within it. 0: DefaultLeaseTTL.
	LeaseTTL time.Duration
	// Renew is the renewal period (0: LeaseTTL/3); Poll how often a waiting call looks again
	// when no release woke it (0: a second, at most LeaseTTL/4).
	Renew, Poll time.Duration
	// OpTimeout bounds a release and a renewal (0: 2 s).
	OpTimeout time.Duration
	Logger    *slog.Logger // nil: no logs
}

// Gate is a caps.Gate shared by replicas through Redis: a slot is a lease its replica renews
// while the call lives, and calls over a cap wait in one queue ordered by arrival across all
// replicas. Acquire costs one round trip when a slot is free. A replica's waiting calls are
// looked after together: one round trip (the pump) whenever a slot comes free anywhere
// (pub/sub) and every Poll period, however many calls wait there. Release is one round trip;
// renewals are one per replica per Renew period, however many slots it holds.
//
// Waiting and Active count this replica's calls (they feed its metrics); Stats counts all.
type Gate struct {
	rdb  redis.UniversalClient
	o    GateOptions
	keys []string
	free string // pub/sub channel
	log  *slog.Logger

	mu      sync.Mutex
	held    map[string]string  // callId → rule, slots this replica renews
	waiting map[string]*waiter // this replica's waiting calls
	gen     uint64             // counts wake-ups (a slot may have come free)
	kick    chan struct{}      // asks the pump to look now
	closed  bool

	stop        context.CancelFunc
	done        chan struct{}
	pumpFailing bool // only the background goroutine uses it
}

var _ caps.Gate = (*Gate)(nil)

// NewGate returns a Gate on rdb and starts its renewals and its pub/sub listener; Close
// stops them.
func NewGate(rdb redis.UniversalClient, o GateOptions) *Gate {
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.Renew <= 0 {
		o.Renew = o.LeaseTTL / 3
	}
	if o.Poll <= 0 {
		o.Poll = min(time.Second, o.LeaseTTL/4)
	}
	if o.OpTimeout <= 0 {
		o.OpTimeout = 2 * time.Second
	}
	g := &Gate{rdb: rdb, o: o, free: o.Prefix + "gate:free", log: o.Logger,
		held: map[string]string{}, waiting: map[string]*waiter{}, kick: make(chan struct{}, 1), done: make(chan struct{})}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	for _, k := range []string{"seq", "order", "slots", "slotrule", "rulecount", "queue", "qexp", "qinfo", "released"} {
		g.keys = append(g.keys, o.Prefix+"gate:"+k)
	}
	ctx, cancel := context.WithCancel(context.Background())
	g.stop = cancel
	go g.background(ctx)
	return g
}

// waiter is a call of this replica waiting for a slot; the pump admits it.
type waiter struct {
	req      caps.Request
	seq      uint64
	admitted chan uint64 // receives the admission order, once
}

// Acquire implements caps.Gate. An error reaching Redis on arrival is returned as is (serve
// refuses the call); while the call waits, a failing Redis only delays it until the queue
// timeout.
func (g *Gate) Acquire(ctx context.Context, req caps.Request, queued func(int, uint64)) (caps.Admission, error) {
	since := time.Now()
	gen := g.generation()
	res, err := arriveScript.Run(ctx, g.rdb, g.keys, req.CallID, req.Rule, req.RuleCap, g.o.Global,
		g.o.LeaseTTL.Milliseconds(), g.o.LeaseTTL.Milliseconds()).Int64Slice()
	if err != nil {
		return caps.Admission{}, fmt.Errorf("caps: %w", err)
	}
	if len(res) != 3 {
		return caps.Admission{}, fmt.Errorf("caps: unexpected reply %v", res)
	}
	switch res[0] {
	case -1:
		return caps.Admission{}, caps.ErrAlreadyHeld
	case 1:
		g.hold(req)
		return caps.Admission{Seq: uint64(res[1]), Order: uint64(res[2])}, nil
	}
	w := &waiter{req: req, seq: uint64(res[1]), admitted: make(chan uint64, 1)}
	g.mu.Lock()
	g.waiting[req.CallID] = w
	g.mu.Unlock()
	if g.generation() != gen {
		g.kickPump() // a slot came free while the call took its ticket
	}
	if queued != nil {
		queued(int(res[2]), w.seq)
	}
	timer := time.NewTimer(g.o.QueueTimeout)
	defer timer.Stop()
	var cause error
	select {
	case order := <-w.admitted:
		return caps.Admission{Queued: true, Seq: w.seq, Order: order, Waited: time.Since(since)}, nil
	case <-timer.C:
		cause = caps.ErrQueueTimeout
	case <-ctx.Done():
		cause = ctx.Err()
	}
	g.mu.Lock()
	delete(g.waiting, req.CallID)
	g.mu.Unlock()
	select {
	case order := <-w.admitted: // admitted while the timer fired: keep the slot
		return caps.Admission{Queued: true, Seq: w.seq, Order: order, Waited: time.Since(since)}, nil
	default:
	}
	// A pump run under way may still admit the call; it then finds the waiter gone and
	// releases the slot.
	g.leave(req.CallID)
	return caps.Admission{}, cause
}

// leave drops a waiting call's ticket.
func (g *Gate) leave(callID string) {
	ctx, cancel := context.WithTimeout(context.Background(), g.o.OpTimeout)
	defer cancel()
	if err := g.release(ctx, callID); err != nil {
		g.log.Warn("caps: could not leave the shared queue; the ticket expires by itself", "call_id", callID, "err", err)
	}
}

func (g *Gate) release(ctx context.Context, callID string) error {
	return releaseScript.Run(ctx, g.rdb, g.keys, callID, g.free, (10 * g.o.LeaseTTL).Milliseconds()).Err()
}

// Release implements caps.Gate: it frees the call's slot whichever replica holds it.
func (g *Gate) Release(callID string) bool {
	g.mu.Lock()
	delete(g.held, callID)
	g.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), g.o.OpTimeout)
	defer cancel()
	n, err := releaseScript.Run(ctx, g.rdb, g.keys, callID, g.free, (10 * g.o.LeaseTTL).Milliseconds()).Int()
	if err != nil {
		g.log.Warn("caps: slot release failed; the slot comes back when its lease expires", "call_id", callID, "lease_ttl", g.o.LeaseTTL.String(), "err", err)
		return false
	}
	return n == 1
}

func (g *Gate) hold(req caps.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.held[req.CallID] = req.Rule
}

// Waiting implements caps.Gate: this replica's waiting calls.
func (g *Gate) Waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiting)
}

// Active implements caps.Gate: the slots this replica holds.
func (g *Gate) Active() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.held)
}

// GateStats are the gate's numbers across every replica.
type GateStats struct {
	Active  int            // slots held
	Waiting int            // calls in the queue
	ByRule  map[string]int // slots held per rule
}

// Stats reads the numbers across every replica (one round trip; expired leases are dropped
// first).
func (g *Gate) Stats(ctx context.Context) (GateStats, error) {
	res, err := statsScript.Run(ctx, g.rdb, g.keys).Slice()
	if err != nil {
		return GateStats{}, fmt.Errorf("caps: %w", err)
	}
	st := GateStats{ByRule: map[string]int{}}
	if len(res) == 3 {
		a, _ := res[0].(int64)
		w, _ := res[1].(int64)
		st.Active, st.Waiting = int(a), int(w)
		pairs, _ := res[2].([]any)
		for i := 0; i+1 < len(pairs); i += 2 {
			name, _ := pairs[i].(string)
			n, _ := strconv.Atoi(fmt.Sprint(pairs[i+1]))
			st.ByRule[name] = n
		}
	}
	return st, nil
}

// Close stops the renewals and the listener. Slots still held are not released: their calls
// may still run, and the leases expire by themselves within LeaseTTL.
func (g *Gate) Close() error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	g.mu.Unlock()
	g.stop()
	<-g.done
	return nil
}
