package dailytest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Call states.
const (
	CallHeld      = "held"      // on hold, waiting for pinlessCallUpdate
	CallConnected = "connected" // patched into a room
	CallLost      = "lost"      // the hold timed out, or the webhook could not be sent
	CallDropped   = "dropped"   // a pinlessCallUpdate failed while the call was held
	CallEnded     = "ended"     // the caller hung up, or the room's session ended
)

// CallSpec describes an incoming call for PlaceCall. To is a number routed by a
// pinless_dialin entry; SIPURI (with or without "sip:") is an entry's sip_uri, for SIP
// interconnect calls, and takes precedence.
type CallSpec struct {
	To, From   string
	SIPHeaders map[string]string
	SIPURI     string
}

// CallRecord is a simulated call as the emulator sees it.
type CallRecord struct {
	ID       string `json:"id"`     // callId, a UUID
	Domain   string `json:"domain"` // callDomain: the domain id
	To       string `json:"to"`
	From     string `json:"from"`
	Room     string `json:"room"` // the room the call was patched into ("" until connected)
	State    string `json:"state"`
	Timeline []Mark `json:"timeline"`
}

// Mark is one event in a call's timeline.
type Mark struct {
	Name   string    `json:"name"`
	At     time.Time `json:"at"` // server clock
	Detail string    `json:"detail"`
}

// At returns the time of the first mark called name.
func (r CallRecord) At(name string) (time.Time, bool) {
	for _, m := range r.Timeline {
		if m.Name == name {
			return m.At, true
		}
	}
	return time.Time{}, false
}

// markOrder is the order of a good call's marks, used to order marks made at the same instant
// (a ManualClock that was not advanced) and to refuse bots reporting the emulator's own marks.
var markOrder = []string{"received", "webhook_sent", "webhook_answered", "webhook_failed", "room_created",
	"bot_started", "bot_joined", "ready", "updated", "connected", CallEnded, CallLost, CallDropped}

// call is an inbound call Daily holds while the route's webhook finds a room. Server.mu
// guards it.
type call struct {
	id, domain string
	to, from   string
	sipHeaders map[string]string
	state      string
	room       string
	session    string // session_id of the SIP session in dialin.connected / dialin.stopped
	timeline   []Mark
	stopHold   func() bool
}

func (c *call) record() CallRecord {
	return CallRecord{ID: c.id, Domain: c.domain, To: c.to, From: c.from, Room: c.room, State: c.state,
		Timeline: slices.Clone(c.timeline)}
}

// markLocked adds a mark at time at. The timeline stays in time order; marks at the same
// instant follow markOrder. Caller holds s.mu.
func (s *Server) markLocked(c *call, name string, at time.Time, detail string) {
	m := Mark{Name: name, At: at, Detail: detail}
	rank := slices.Index(markOrder, name)
	i := len(c.timeline)
	for i > 0 {
		prev := c.timeline[i-1]
		prevRank := slices.Index(markOrder, prev.Name)
		if prev.At.After(at) || (prev.At.Equal(at) && rank >= 0 && prevRank > rank) {
			i--
			continue
		}
		break
	}
	c.timeline = slices.Insert(c.timeline, i, m)
	s.notifyLocked()
}

// notifyLocked wakes everything waiting for a call or a room to change. Caller holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// finishLocked ends a call in state (ended, lost or dropped). A call that was connected
// frees its room and emits dialin.stopped. Caller holds s.mu.
func (s *Server) finishLocked(c *call, state, detail string) {
	wasConnected := c.state == CallConnected
	c.state = state
	if c.stopHold != nil {
		c.stopHold()
	}
	s.markLocked(c, state, s.now(), detail)
	if !wasConnected {
		return
	}
	if sess := s.sessions[c.room]; sess != nil && sess.call == c {
		sess.call = nil
	}
	s.emitLocked("dialin.stopped", s.sessionPayload(c))
}

// holdExpired is the hold timer: a call still held is lost.
func (s *Server) holdExpired(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.state == CallHeld {
		s.finishLocked(c, CallLost, fmt.Sprintf("hold timed out after %s", s.holdTimeout))
	}
}

// Call returns the call with this callId.
func (s *Server) Call(callID string) (CallRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[callID]
	if c == nil {
		return CallRecord{}, false
	}
	return c.record(), true
}

// Calls returns every call placed so far, oldest first.
func (s *Server) Calls() []CallRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CallRecord, 0, len(s.callOrder))
	for _, c := range s.callOrder {
		out = append(out, c.record())
	}
	return out
}

// WaitCall waits until the call is in one of states (any state but held when none is given)
// and returns it. It fails for an unknown call, or with ctx's error wrapped.
func (s *Server) WaitCall(ctx context.Context, callID string, states ...string) (CallRecord, error) {
	for {
		s.mu.Lock()
		c := s.calls[callID]
		var rec CallRecord
		if c != nil {
			rec = c.record()
		}
		changed := s.changed
		s.mu.Unlock()
		switch {
		case c == nil:
			return CallRecord{}, fmt.Errorf("dailytest: no call %s", callID)
		case slices.Contains(states, rec.State), len(states) == 0 && rec.State != CallHeld:
			return rec, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return rec, fmt.Errorf("dailytest: call %s is %s, not %s: %w", callID, rec.State, strings.Join(states, "|"), ctx.Err())
		}
	}
}

// Hangup is the caller hanging up: a held or connected call ends ("ended"); a connected call
// emits dialin.stopped. It fails for an unknown call or one that is already over.
func (s *Server) Hangup(callID string) (CallRecord, error) {
	rec, e := s.hangup(callID)
	if e != nil {
		return rec, plainError(e)
	}
	return rec, nil
}

func (s *Server) hangup(callID string) (CallRecord, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[callID]
	switch {
	case c == nil:
		return CallRecord{}, notFound("call %s not found", callID)
	case c.state != CallHeld && c.state != CallConnected:
		return c.record(), badRequest("call %s is already %s", callID, c.state)
	}
	s.finishLocked(c, CallEnded, "caller hung up")
	return c.record(), nil
}

// MarkCall adds a mark reported from outside (a bot's "bot_started") at the server's time.
// Names are lower-case words joined by "_" (at most 40 characters); the emulator's own mark
// names are refused.
func (s *Server) MarkCall(callID, name, detail string) error {
	if e := s.markCall(callID, name, detail); e != nil {
		return plainError(e)
	}
	return nil
}

func (s *Server) markCall(callID, name, detail string) *apiError {
	if e := checkMarkName(name); e != nil {
		return e
	}
	if len(detail) > 200 {
		return badRequest("detail must be at most 200 characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[callID]
	if c == nil {
		return notFound("call %s not found", callID)
	}
	s.markLocked(c, name, s.now(), detail)
	return nil
}

func checkMarkName(name string) *apiError {
	ok := name != "" && len(name) <= 40 && name[0] >= 'a' && name[0] <= 'z'
	for _, r := range name {
		ok = ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	}
	switch {
	case !ok:
		return badRequest("name must be 1-40 characters of a-z, 0-9 and _, starting with a letter, got %q", name)
	case name != "bot_started" && slices.Contains(markOrder, name):
		return badRequest("name %q is a mark the emulator makes itself", name)
	}
	return nil
}

func cloneHeaders(h map[string]string) map[string]string {
	if len(h) == 0 {
		return nil
	}
	return maps.Clone(h)
}

// plainError turns an API error into a Go error for the Go API: its info, without the status.
func plainError(e *apiError) error { return fmt.Errorf("dailytest: %s", e.info) }
