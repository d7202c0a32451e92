package history

import (
	"context"
	"log/slog"
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
}

// NewRecorder starts recording into store; Close stops it.
func NewRecorder(store Store, log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Recorder{store: store, log: log, events: make(chan serve.Event, queueLen), done: make(chan struct{}), subs: map[chan Update]struct{}{}}
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
	var c Call
	if e.Kind == serve.EventReceived {
		c = Call{CallID: e.CallID, Rule: e.Rule, Bot: e.Bot, Route: e.Route, From: e.From, To: e.To,
			ReceivedAt: e.At.Add(-e.Since), Outcome: InProgress, Body: string(e.Body)}
	} else {
		got, ok, err := r.store.Get(ctx, e.CallID)
		if err != nil {
			r.log.Warn("call history: read failed", "call_id", e.CallID, "err", err)
			return
		}
		if !ok {
			return // taken by another replica, or expired
		}
		c = got
	}
	step := Apply(&c, e)
	if err := r.store.Put(ctx, c); err != nil {
		r.log.Warn("call history: write failed", "call_id", e.CallID, "err", err)
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
