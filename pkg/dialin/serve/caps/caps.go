// Package caps bounds how many calls run at once: a global cap and a cap per rule. A call over
// a cap waits in one FIFO queue for at most a queue timeout (the caller is on hold anyway),
// then is refused so Daily plays the route's timeout message.
//
// The Gate interface keys slots by callId, so a slot can be released by whoever learns that
// the call ended (Daily's dialin.stopped, the bot exiting, a timer) — on one machine by the
// in-memory Local gate, across replicas by a shared store with leases.
package caps

import (
	"context"
	"errors"
	"time"
)

// ErrQueueTimeout is returned when a call waited the whole queue timeout without a slot.
var ErrQueueTimeout = errors.New("no free slot within the queue timeout")

// ErrAlreadyHeld is returned when the call already holds a slot.
var ErrAlreadyHeld = errors.New("the call already holds a slot")

// Request asks for a slot for one call.
type Request struct {
	CallID string
	Rule   string
	// RuleCap bounds the calls of Rule running at once; 0 means only the global cap applies.
	RuleCap int
}

// Admission says how a call got its slot.
type Admission struct {
	Queued bool          // the call had to wait
	Seq    uint64        // arrival order at the gate, from 1
	Order  uint64        // admission order, from 1
	Waited time.Duration // time spent in the queue
}

// Gate hands out slots.
type Gate interface {
	// Acquire returns once the call holds a slot, or with ErrQueueTimeout, or ctx's error.
	// Calls are admitted in arrival order among those whose caps allow it: a call held back
	// only by its own rule's cap does not hold back calls of other rules. queued, if not
	// nil, is called once when the call has to wait, with its position (1 = next).
	Acquire(ctx context.Context, req Request, queued func(position int, seq uint64)) (Admission, error)
	// Release frees the call's slot and reports whether it held one; releasing twice is
	// harmless.
	Release(callID string) bool
	// Waiting is the number of calls in the queue; Active the number of slots held.
	Waiting() int
	Active() int
}
