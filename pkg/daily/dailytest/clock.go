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
// use NewManualClock for a realistic start.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
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

// Advance moves the clock forward by d (backward when d is negative).
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		c.now = time.Unix(0, 0).UTC()
	}
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Clock returns the clock the server was built with (a real clock unless WithClock was used).
func (s *Server) Clock() Clock { return s.clock }

// Advance moves the server's time forward by d. With a ManualClock (WithClock) it advances that
// clock, so the test's own reference to it sees the change; with any other clock the server
// keeps an offset that it adds to every reading, so Advance works on a real clock too.
func (s *Server) Advance(d time.Duration) {
	if mc, ok := s.clock.(*ManualClock); ok {
		mc.Advance(d)
		return
	}
	s.offset.Add(int64(d))
}

// now is the server's current time: the clock plus any Advance offset.
func (s *Server) now() time.Time {
	return s.clock.Now().Add(time.Duration(s.offset.Load())).UTC()
}

// isoTime formats t the way Daily's examples do: UTC with milliseconds.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
