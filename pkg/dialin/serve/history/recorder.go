package history

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// queueLen bounds the events waiting to be recorded; past it events are dropped (and
// counted) rather than slow down calls.
const queueLen = 4096

// Update is what subscribers get for each event recorded: the call as it now stands
// (without its body) and the step just added.
type Update struct {
	Call  Call `json:"call"`
	Step  Step `json:"step"`
	Index int  `json:"index"` // the step's place in Call.Steps
}

// Recorder is a serve.Sink that records calls to a Store. Emit only queues the event; one
// goroutine applies events in order, writes the store and tells subscribers.
type Recorder struct {
	store   Store
	log     *slog.Logger
	events  chan serve.Event
	done    chan struct{}
	dropped atomic.Uint64

	// closeMu lets Close close events while no Emit sends on it: a bot that exits after
	// serve stopped still emits.
	closeMu sync.RWMutex
	closed  bool

	mu   sync.Mutex
	subs map[chan Update]struct{}

	// last is the version of each call this recorder last wrote (only its loop uses it).
	last map[string]Call
}

// NewRecorder starts recording into store; Close stops it.
func NewRecorder(store Store, log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Recorder{store: store, log: log, events: make(chan serve.Event, queueLen), done: make(chan struct{}), subs: map[chan Update]struct{}{}, last: map[string]Call{}}
	go r.loop()
	return r
}

// Store is where the calls are kept.
func (r *Recorder) Store() Store { return r.store }

// Dropped counts the events not recorded because the queue was full.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }

// Emit implements serve.Sink. Events without a call (rejected and test requests) are not
// calls and are not recorded.
func (r *Recorder) Emit(e serve.Event) {
	if e.CallID == "" {
		return
	}
	r.closeMu.RLock()
	defer r.closeMu.RUnlock()
	if r.closed {
		return
	}
	select {
	case r.events <- e:
	default:
		r.dropped.Add(1)
	}
}

// Close records the events queued so far and stops; later events are not recorded.
func (r *Recorder) Close() {
	r.closeMu.Lock()
	if !r.closed {
		r.closed = true
		close(r.events)
	}
	r.closeMu.Unlock()
	<-r.done
}

// Subscribe returns a channel of updates, until cancel. A subscriber too slow to take an
// update misses it (the page and `calls tail` reload a call when they need all of it).
func (r *Recorder) Subscribe() (<-chan Update, func()) {
	ch := make(chan Update, 256)
	r.mu.Lock()
	r.subs[ch] = struct{}{}
	r.mu.Unlock()
	return ch, func() {
		r.mu.Lock()
		delete(r.subs, ch)
		r.mu.Unlock()
	}
}

func (r *Recorder) loop() {
	defer close(r.done)
	for e := range r.events {
		r.record(e)
	}
}

func (r *Recorder) record(e serve.Event) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	c, step, ok := r.write(ctx, e)
	if !ok {
		return
	}
	c.Body = ""
	u := Update{Call: c, Step: step, Index: len(c.Steps) - 1}
	r.mu.Lock()
	for ch := range r.subs {
		select {
		case ch <- u:
		default:
		}
	}
	r.mu.Unlock()
}

// lastCap bounds the calls whose last written version the recorder keeps; past it they are
// forgotten, and read again at their next event.
const lastCap = 1024

// swapTries bounds the writes of one event whose call keeps changing under it (another
// replica recording events of the same call at the same time).
const swapTries = 3

// write applies e to its call in the store and returns the call as written and the step
// added. A call's first event writes it; every later one is a Swap of the version this
// recorder last wrote (read first only when it has none, e.g. another replica took the
// call), so each event costs one round trip to a shared store, and a version another
// replica wrote meanwhile is applied to, not overwritten.
func (r *Recorder) write(ctx context.Context, e serve.Event) (Call, Step, bool) {
	if e.Kind == serve.EventReceived {
		c := Call{CallID: e.CallID, Rule: e.Rule, Bot: e.Bot, Route: e.Route, From: e.From, To: e.To,
			ReceivedAt: e.At.Add(-e.Since), Outcome: InProgress, Body: string(e.Body)}
		step := Apply(&c, e)
		if err := r.store.Put(ctx, c); err != nil {
			r.log.Warn("call history: write failed", "call_id", e.CallID, "err", err)
			delete(r.last, e.CallID)
			return c, step, true
		}
		r.remember(c)
		return c, step, true
	}
	prev, known := r.last[e.CallID]
	if !known {
		got, ok, err := r.store.Get(ctx, e.CallID)
		if err != nil {
			r.log.Warn("call history: read failed", "call_id", e.CallID, "err", err)
			return Call{}, Step{}, false
		}
		if !ok {
			return Call{}, Step{}, false // taken by another replica, or expired
		}
		prev = got
	}
	for range swapTries {
		c := prev
		c.Steps = slices.Clone(prev.Steps)
		step := Apply(&c, e)
		cur, ok, swapped, err := r.store.Swap(ctx, prev, c)
		switch {
		case err != nil: // subscribers still hear of the step
			r.log.Warn("call history: write failed", "call_id", e.CallID, "err", err)
			delete(r.last, e.CallID)
			return c, step, true
		case !ok: // expired, or trimmed by the cap
			delete(r.last, e.CallID)
			return Call{}, Step{}, false
		case swapped:
			r.remember(c)
			return c, step, true
		}
		prev = cur
	}
	r.log.Warn("call history: the call kept changing; event not recorded", "call_id", e.CallID, "kind", string(e.Kind))
	delete(r.last, e.CallID)
	return Call{}, Step{}, false
}

// remember keeps c as the version of its call this recorder last wrote.
func (r *Recorder) remember(c Call) {
	if _, ok := r.last[c.CallID]; !ok && len(r.last) >= lastCap {
		clear(r.last)
	}
	r.last[c.CallID] = c
}
