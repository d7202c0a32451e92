package dailytest

import (
	"slices"
	"sync"
	"time"
)

// The call simulation needs timers (hold timeouts, SIP endpoints becoming ready) that follow
// the server's clock: on a ManualClock they fire when the clock is advanced past them, on a
// real clock after the real time has passed, and on either when Server.Advance jumps past them.

// simTimer is a callback due at a server time.
type simTimer struct {
	due  time.Time
	seq  int64
	f    func()
	real *time.Timer // armed when the clock is not a ManualClock
}

type timers struct {
	mu      sync.Mutex
	seq     int64
	pending []*simTimer
	stopped bool // Close was called: nothing new is scheduled
}

// after runs f (without s.mu held) once the server's time has moved d past now. It may be
// called with s.mu held. The result cancels the timer and reports whether it was still pending.
func (s *Server) after(d time.Duration, f func()) (stop func() bool) {
	t := &simTimer{due: s.now().Add(d), f: f}
	s.timers.mu.Lock()
	defer s.timers.mu.Unlock()
	if s.timers.stopped {
		return func() bool { return false }
	}
	s.timers.seq++
	t.seq = s.timers.seq
	s.timers.pending = append(s.timers.pending, t)
	_, manual := s.clock.(*ManualClock)
	switch {
	case d <= 0:
		// Due now, but the caller may hold s.mu, which f will want.
		t.real = time.AfterFunc(0, func() { s.fire(t) })
	case !manual:
		// Real time decides: the server's wall-clock reading may lag the timer slightly.
		t.real = time.AfterFunc(d, func() { s.fire(t) })
	}
	return func() bool { return s.cancelTimer(t) }
}

// take removes t from the pending list; false if it already fired or was cancelled.
func (s *Server) take(t *simTimer) bool {
	s.timers.mu.Lock()
	defer s.timers.mu.Unlock()
	i := slices.Index(s.timers.pending, t)
	if i < 0 {
		return false
	}
	s.timers.pending = slices.Delete(s.timers.pending, i, i+1)
	return true
}

func (s *Server) cancelTimer(t *simTimer) bool {
	if !s.take(t) {
		return false
	}
	if t.real != nil {
		t.real.Stop()
	}
	return true
}

// fire runs one timer whose real time has come, unless it already ran.
func (s *Server) fire(t *simTimer) {
	if s.take(t) {
		t.f()
	}
}

// fireDue runs, in due order, every timer the server's time has reached. A ManualClock calls
// it after each move; Server.Advance calls it after moving the offset.
func (s *Server) fireDue() {
	now := s.now()
	s.timers.mu.Lock()
	var due []*simTimer
	s.timers.pending = slices.DeleteFunc(s.timers.pending, func(t *simTimer) bool {
		if t.due.After(now) {
			return false
		}
		due = append(due, t)
		return true
	})
	s.timers.mu.Unlock()
	slices.SortFunc(due, func(a, b *simTimer) int {
		if c := a.due.Compare(b.due); c != 0 {
			return c
		}
		return int(a.seq - b.seq)
	})
	for _, t := range due {
		if t.real != nil {
			t.real.Stop()
		}
		t.f()
	}
}

// stopTimers cancels every pending timer; Close calls it.
func (s *Server) stopTimers() {
	s.timers.mu.Lock()
	pending := s.timers.pending
	s.timers.pending, s.timers.stopped = nil, true
	s.timers.mu.Unlock()
	for _, t := range pending {
		if t.real != nil {
			t.real.Stop()
		}
	}
}
