package daily

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"
)

// bucket is a token bucket whose waiters are served by priority: a request takes a token at
// once only when no request of its priority or a higher one waits; otherwise it queues, and
// the head of the queue (highest priority, then earliest work, then earliest arrival) sleeps
// until the bucket holds a token for it. Tokens are never promised ahead, so a request of a
// higher priority that arrives later overtakes every lower one still waiting.
type bucket struct {
	rate  float64 // tokens per second
	burst float64

	mu      sync.Mutex
	tokens  float64
	last    time.Time // zero: full and never used
	queue   []*ticket // by priority, then the work's start, then arrival
	seq     uint64
	changed chan struct{} // closed and replaced when the head of the queue leaves
}

// tokenSlack absorbs float rounding: a wait of the computed duration must yield the token.
const tokenSlack = 1e-6

type ticket struct {
	prio  Priority
	since time.Time // the start of the request's work (WithQueuedSince), else its arrival
	seq   uint64
}

// before orders the queue: priority, then the work's start, then arrival.
func (a *ticket) before(t *ticket) int {
	switch {
	case a.prio != t.prio:
		return int(a.prio) - int(t.prio)
	case !a.since.Equal(t.since):
		return a.since.Compare(t.since)
	}
	return int(a.seq) - int(t.seq) // never equal: seq is unique
}

func newBucket(perSecond float64, burst int) *bucket {
	return &bucket{rate: perSecond, burst: float64(burst), tokens: float64(burst), changed: make(chan struct{})}
}

// advanceLocked adds the tokens earned since the last look.
func (b *bucket) advanceLocked(now time.Time) {
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	if b.last.IsZero() || now.After(b.last) {
		b.last = now
	}
}

// aheadLocked counts the waiters a request of priority p would queue behind.
func (b *bucket) aheadLocked(p Priority) int {
	n := 0
	for _, t := range b.queue {
		if t.prio <= p {
			n++
		}
	}
	return n
}

// wait takes one token for a request of priority p, sleeping with sleep while it has to.
func (b *bucket) wait(ctx context.Context, p Priority, since time.Time, now func() time.Time, sleep func(context.Context, time.Duration) error) error {
	b.mu.Lock()
	t := now()
	b.advanceLocked(t)
	if b.aheadLocked(p) == 0 && b.tokens >= 1-tokenSlack {
		b.tokens = max(b.tokens-1, 0)
		b.mu.Unlock()
		return nil
	}
	b.seq++
	if since.IsZero() {
		since = t
	}
	me := &ticket{prio: p, since: since, seq: b.seq}
	at, _ := slices.BinarySearchFunc(b.queue, me, (*ticket).before)
	b.queue = slices.Insert(b.queue, at, me)
	b.mu.Unlock()
	for {
		b.mu.Lock()
		b.advanceLocked(now())
		head := b.queue[0] == me
		if head && b.tokens >= 1-tokenSlack {
			b.tokens = max(b.tokens-1, 0)
			b.leaveLocked(me)
			b.mu.Unlock()
			return nil
		}
		var d time.Duration
		if head {
			d = time.Duration(math.Ceil((1 - b.tokens) / b.rate * float64(time.Second)))
		}
		changed := b.changed
		b.mu.Unlock()
		var err error
		if head {
			err = sleep(ctx, d)
		} else {
			select {
			case <-changed:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		if err != nil {
			b.mu.Lock()
			b.leaveLocked(me)
			b.mu.Unlock()
			return err
		}
	}
}

// leaveLocked takes t out of the queue and wakes the waiters, one of which is the new head.
func (b *bucket) leaveLocked(t *ticket) {
	if i := slices.Index(b.queue, t); i >= 0 {
		b.queue = slices.Delete(b.queue, i, i+1)
	}
	close(b.changed)
	b.changed = make(chan struct{})
}

// delay is how long n requests of priority p would wait now: behind the waiters of higher
// priorities, and for the tokens the bucket lacks. The n include the waiters of p that should
// count (the caller knows which of its own are already counted).
func (b *bucket) delay(now time.Time, p Priority, n int) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advanceLocked(now)
	higher := 0
	if p > PriorityPatch {
		higher = b.aheadLocked(p - 1)
	}
	need := float64(higher+n) - b.tokens
	if need <= tokenSlack {
		return 0
	}
	return time.Duration(need / b.rate * float64(time.Second))
}
