package pool

import (
	"math"
	"sync"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// An auto pool (pool.rooms: auto) keeps about headroom × the time a refill takes to replace
// a room (at least horizon) of calls at the rule's observed call rate, from the rule's
// min_rooms up to what its refill can replace before the rooms retire (capRooms).
const (
	// rateTau is the time constant of the observed call rate: it follows a new rate within
	// a few multiples of it, and forgets calls that stopped within a few more.
	rateTau = 5 * time.Second
	// headroom covers arrivals bunching up (a Poisson stream, a burst) above their mean.
	headroom = 2.0
	// horizon is the least time the pool covers, however fast a refill is: rooms for two
	// seconds of calls at least (with headroom).
	horizon = time.Second
	// replaceMargin is the lead's margin: replacements start this long before the time the
	// refill needs to recreate the pool, before the rooms retire.
	replaceMargin = serveconfig.PoolReplaceMargin
)

// callRate is a rule's observed call rate: an exponentially decaying count of the calls
// that asked for a room, per second, on the pool's clock.
type callRate struct {
	mu   sync.Mutex
	rate float64 // calls per second at at
	at   time.Time
}

// observe counts n calls at now.
func (c *callRate) observe(now time.Time, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rate = c.decayedLocked(now) + float64(n)/rateTau.Seconds()
	if now.After(c.at) {
		c.at = now
	}
}

// perSecond is the rate at now.
func (c *callRate) perSecond(now time.Time) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.decayedLocked(now)
}

func (c *callRate) decayedLocked(now time.Time) float64 {
	if c.at.IsZero() || !now.After(c.at) {
		return c.rate
	}
	return c.rate * math.Exp(-now.Sub(c.at).Seconds()/rateTau.Seconds())
}

// capRooms is the most rooms a refill can keep (serveconfig.PoolRoomsCap).
func capRooms(refill float64, lifetime time.Duration) int {
	return serveconfig.PoolRoomsCap(refill, lifetime)
}

// autoTarget is an auto pool's size for rate calls per second, when a refill takes replace
// to make a room ready (its request's latency plus the wait for the refill rate).
func autoTarget(rate float64, replace time.Duration, floor, ceiling int) int {
	want := headroom * rate * max(replace, horizon).Seconds()
	n := int(math.Ceil(want - 1e-9)) // float noise must not add a room
	return max(min(floor, ceiling), min(n, ceiling))
}
