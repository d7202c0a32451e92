package daily

import (
	"context"
	"time"
)

// Priority orders the requests that wait for the same rate-limit class of one Client: when
// the budget is spent, a waiting request of a higher priority (a lower value) is let through
// before every waiting request of a lower one, whenever it arrived. Requests of one priority
// go in the order of their work's start (WithQueuedSince), else of their arrival.
type Priority int

const (
	// PriorityPatch is for pinlessCallUpdate: a caller is connected to nothing until it lands.
	PriorityPatch Priority = iota
	// PriorityCall is for the rooms and tokens of calls that are waiting, and is the default
	// of a context that names none.
	PriorityCall
	// PriorityRefill is for requests that prepare for calls to come, such as a room pool's
	// refills.
	PriorityRefill
	// PriorityHousekeeping is for requests no caller waits for, such as deleting rooms.
	PriorityHousekeeping

	numPriorities = int(PriorityHousekeeping) + 1
)

// String names the priority, for logs and metrics.
func (p Priority) String() string {
	switch p {
	case PriorityPatch:
		return "patch"
	case PriorityCall:
		return "call"
	case PriorityRefill:
		return "refill"
	case PriorityHousekeeping:
		return "housekeeping"
	}
	return "unknown"
}

type priorityKey struct{}

// WithPriority marks the requests made with ctx as being of priority p.
func WithPriority(ctx context.Context, p Priority) context.Context {
	if p < PriorityPatch || int(p) >= numPriorities {
		p = PriorityCall
	}
	return context.WithValue(ctx, priorityKey{}, p)
}

// PriorityOf is the priority WithPriority gave ctx, PriorityCall if none.
func PriorityOf(ctx context.Context) Priority {
	if p, ok := ctx.Value(priorityKey{}).(Priority); ok {
		return p
	}
	return PriorityCall
}

type queuedSinceKey struct{}

// WithQueuedSince marks the requests made with ctx as work that began at since (a call's
// arrival): among waiting requests of one priority, those of earlier work go first. A call's
// second request (its token after its room) then waits behind the calls that arrived before
// it, not behind every request queued while its first waited, and the requests of one call
// go through together.
func WithQueuedSince(ctx context.Context, since time.Time) context.Context {
	return context.WithValue(ctx, queuedSinceKey{}, since)
}

// queuedSince is the time WithQueuedSince gave ctx, or zero.
func queuedSince(ctx context.Context) time.Time {
	t, _ := ctx.Value(queuedSinceKey{}).(time.Time)
	return t
}
