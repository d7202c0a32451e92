package dailytest

import (
	"sync"
	"time"
)

// Clock tells the emulator what time it is. It drives purchase dates, the 14-day release
// lock, room and token expiry and every timestamp in responses. Rate limits and added latency
// use real time, so a client that sleeps for Retry-After always gets through.
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// ManualClock is a Clock that moves only when told to. The zero value starts at the Unix epoch;
// use NewManualClock for a realistic start. The call simulation's timers (hold timeouts, ready
// delays) run on it: they fire inside Advance or Set, once the clock reaches them.
type ManualClock struct {
	mu       sync.Mutex
	now      time.Time
	watchers map[int]func()
	nextID   int
}

// NewManualClock returns a ManualClock reading start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return c.now
}

// Advance moves the clock forward by d (backward when d is negative) and then runs the timers
// of every server on this clock that are now due.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	if c.now.IsZero() {
		c.now = time.Unix(0, 0).UTC()
	}
	c.now = c.now.Add(d)
	c.mu.Unlock()
	c.wake()
}

// Set moves the clock to t and then runs the timers that are now due.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
	c.wake()
}

// watch registers f to run after every move of the clock; the result unregisters it.
func (c *ManualClock) watch(f func()) (cancel func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.watchers == nil {
		c.watchers = map[int]func(){}
	}
	id := c.nextID
	c.nextID++
	c.watchers[id] = f
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.watchers, id)
	}
}

// wake runs the watchers outside the lock, so they may read the clock.
func (c *ManualClock) wake() {
	c.mu.Lock()
	fs := make([]func(), 0, len(c.watchers))
	for _, f := range c.watchers {
		fs = append(fs, f)
	}
	c.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// Clock returns the clock the server was built with (a real clock unless WithClock was used).
func (s *Server) Clock() Clock { return s.clock }

// Advance moves the server's time forward by d. With a ManualClock (WithClock) it advances that
// clock, so the test's own reference to it sees the change; with any other clock the server
// keeps an offset that it adds to every reading, so Advance works on a real clock too. Either
// way, the simulation's timers that the move makes due fire before Advance returns.
func (s *Server) Advance(d time.Duration) {
	if mc, ok := s.clock.(*ManualClock); ok {
		mc.Advance(d)
		return
	}
	s.offset.Add(int64(d))
	s.fireDue()
}

// now is the server's current time: the clock plus any Advance offset.
func (s *Server) now() time.Time {
	return s.clock.Now().Add(time.Duration(s.offset.Load())).UTC()
}

// isoTime formats t the way Daily's examples do: UTC with milliseconds.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
