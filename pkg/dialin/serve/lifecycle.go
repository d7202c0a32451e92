package serve

import (
	"context"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// patchTimeout bounds serve's pinlessCallUpdate, as Pipecat's bot bounds its own.
const patchTimeout = 10 * time.Second

// callFor finds the call of a room: this process's own, or from the store (another replica
// took it).
func (s *Server) callFor(room string) (*call, callstore.Record, bool) {
	rec, ok, err := s.store.ByRoom(context.Background(), room)
	if err != nil || !ok {
		if err != nil {
			s.log.Warn("call store read failed", "room", room, "err", err)
		}
		return nil, rec, false
	}
	c := s.local(rec.CallID)
	if c == nil {
		// Not ours: a stand-in with the record's data, for events and timings.
		c = &call{id: rec.CallID, rule: &rules.Rule{Name: rec.Rule}, received: rec.ReceivedAt, rec: rec}
		// Shutdown never waited for it here (newCall was not called), so patching it must not
		// settle it: that would drive the settling counter below zero.
		c.settle.Do(func() {})
	}
	return c, rec, true
}

// sharedStore reports whether the call store is shared by replicas (it has a Shared() bool
// method that says so). Then whichever replica receives dialin.ready patches the call, so
// Shutdown need not wait for this one to do it.
func (s *Server) sharedStore() bool {
	sh, ok := s.store.(interface{ Shared() bool })
	return ok && sh.Shared()
}

// onReady handles dialin.ready: one SIP endpoint of the room can take the call. With patch:
// serve, the first ready endpoint of a call gets the call, exactly once.
func (s *Server) onReady(p webhook.DialinReady) {
	c, rec, ok := s.callFor(p.Room)
	if !ok {
		s.log.Info("dialin.ready for a room serve does not know", "room", p.Room)
		return
	}
	endpoint := daily.NormalizeSIPURI(p.SIPEndpoint)
	s.emit(c, Event{Kind: EventReady, Room: p.Room, SIPURI: endpoint})
	if s.cfg.Patch != serveconfig.PatchServe || s.starters[c.rule] != nil {
		return // the bot patches (a bot that makes its own room always does)
	}
	claimed, err := s.store.ClaimPatch(context.Background(), rec.CallID)
	if err != nil {
		s.log.Error("call store unavailable; call not patched", "call_id", rec.CallID, "err", err)
		return
	}
	if !claimed {
		return // another endpoint (or replica) patches this call
	}
	s.goBackground(func() { s.patch(c, rec, endpoint) })
}

func (s *Server) patch(c *call, rec callstore.Record, endpoint string) {
	defer s.settled(c)
	ctx, cancel := context.WithTimeout(daily.WithPriority(context.Background(), daily.PriorityPatch), patchTimeout)
	defer cancel()
	err := s.d.Client.PinlessCallUpdate(ctx, daily.PinlessCallUpdateRequest{CallID: rec.CallID, CallDomain: rec.CallDomain, SIPURI: endpoint})
	s.requestsMade(c)
	if err != nil {
		s.metrics.patches.WithLabelValues("error").Inc()
		s.emit(c, Event{Kind: EventFailed, Room: rec.Room, SIPURI: endpoint, Reason: "pinlessCallUpdate: " + err.Error()})
		s.log.Error("pinlessCallUpdate failed", "call_id", rec.CallID, "room", rec.Room, "err", err)
		return
	}
	s.metrics.patches.WithLabelValues("ok").Inc()
	s.emit(c, Event{Kind: EventPatched, Room: rec.Room, SIPURI: endpoint})
	s.log.Debug("call patched", "call_id", rec.CallID, "room", rec.Room, "sip_uri", endpoint)
}

// onConnected handles dialin.connected: the caller is in the room; the hold is over.
func (s *Server) onConnected(p webhook.DialinSession) {
	c, _, ok := s.callFor(p.Room)
	if !ok {
		return
	}
	now := time.Now()
	c.mu.Lock()
	first := !c.connected && !c.ended
	c.connected = true
	c.mu.Unlock()
	if !first {
		return
	}
	s.metrics.hold.Observe(now.Sub(c.received).Seconds())
	s.update(c, func(r *callstore.Record) { r.State, r.ConnectedAt = callstore.Connected, now })
	s.emit(c, Event{Kind: EventConnected, At: now, Room: p.Room})
	s.log.Debug("call connected", "call_id", c.id, "room", p.Room, "hold_s", now.Sub(c.received).Seconds())
}

// onStopped handles dialin.stopped: the call is over.
func (s *Server) onStopped(p webhook.DialinSession) {
	if _, rec, ok := s.callFor(p.Room); ok {
		s.endCall(rec.CallID, "stopped")
	}
}

// endCall frees a call's slot, once, whatever ended it: dialin.stopped, the bot exiting, or
// the maximum call duration.
func (s *Server) endCall(id, reason string) {
	c := s.local(id)
	if c == nil {
		// Another replica's call, or one already ended here: free the slot if a shared
		// gate still holds it.
		if s.gate.Release(id) {
			s.metrics.ended.WithLabelValues(reason).Inc()
		}
		return
	}
	now := time.Now()
	s.update(c, func(r *callstore.Record) { r.State, r.Reason, r.EndedAt = callstore.Ended, reason, now })
	c.mu.Lock()
	already := c.ended
	c.ended = true
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
	if already {
		return
	}
	s.gate.Release(id)
	s.metrics.ended.WithLabelValues(reason).Inc()
	s.emit(c, Event{Kind: EventEnded, At: now, Reason: reason})
	s.log.Debug("call ended", "call_id", id, "rule", c.rule.Name, "reason", reason)
	s.requestsMade(c)
	s.forget(id)
	s.settled(c)
}
