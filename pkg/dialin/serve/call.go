package serve

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// call is a call this process took, from its webhook until its slot is freed.
type call struct {
	id               string
	domain, to, from string
	rule             *rules.Rule
	headers          map[string]string
	received         time.Time
	// webhookBody and webhookHeader are Daily's webhook as it came, kept for a forward bot.
	webhookBody   []byte
	webhookHeader http.Header

	mu        sync.Mutex
	rec       callstore.Record
	connected bool
	ended     bool
	timer     *time.Timer
	settle    sync.Once
	isSettled atomic.Bool // settle has run
	// pendingRequests are the call's Daily requests counted by admission control until made,
	// pathRequests those of them before its bot (room, token); set before the call runs.
	pendingRequests atomic.Int64
	pathRequests    int64
}

// newCall registers an accepted call; Shutdown waits for it to settle.
func (s *Server) newCall(rec callstore.Record, headers map[string]string, rule *rules.Rule) *call {
	c := &call{id: rec.CallID, domain: rec.CallDomain, to: rec.To, from: rec.From, rule: rule, headers: headers, received: rec.ReceivedAt, rec: rec}
	s.mu.Lock()
	s.calls[c.id] = c
	s.mu.Unlock()
	s.settling.Add(1)
	return c
}

// settled marks the call as past the point Shutdown waits for: its bot started (or, with
// patch: serve, its patch was made), or it failed, was refused or ended.
func (s *Server) settled(c *call) {
	c.settle.Do(func() {
		c.isSettled.Store(true)
		s.settling.Done()
	})
}

func (s *Server) local(id string) *call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[id]
}

func (s *Server) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.calls, id)
}

// update changes the call's record and writes it to the store; nothing changes once the
// call ended.
func (s *Server) update(c *call, fn func(*callstore.Record)) {
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return
	}
	fn(&c.rec)
	rec := c.rec
	c.mu.Unlock()
	if err := s.store.Put(context.Background(), rec); err != nil {
		s.log.Warn("call store write failed", "call_id", c.id, "err", err)
	}
}

// emit sends an event about c, stamped with the time since its webhook.
func (s *Server) emit(c *call, e Event) {
	e.CallID, e.Rule = c.id, c.rule.Name
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.Since = e.At.Sub(c.received)
	s.sink.Emit(e)
}

// goBackground runs fn in a goroutine Shutdown waits for, or inline once Shutdown is done.
func (s *Server) goBackground(fn func()) {
	s.mu.Lock()
	if s.bgStopped {
		s.mu.Unlock()
		fn()
		return
	}
	s.bg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.bg.Done()
		fn()
	}()
}
