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

// callOf is the call of a stored record: this process's own, or a stand-in with the
// record's data, for events and timings (another replica took it).
func (s *Server) callOf(rec callstore.Record) *call {
	if c := s.local(rec.CallID); c != nil {
		return c
	}
	c := &call{id: rec.CallID, rule: &rules.Rule{Name: rec.Rule}, received: rec.ReceivedAt, rec: rec}
	// Shutdown never waited for it here (newCall was not called), so patching it must not
	// settle it: that would drive the settling counter below zero.
	c.settle.Do(func() {})
	return c
}

// found logs a failed look-up of a room's call and reports whether the call was found.
func (s *Server) found(room string, ok bool, err error) bool {
	if err != nil {
		s.log.Warn("call store read failed", "room", room, "err", err)
	}
	return ok && err == nil
}

// sharedStore reports whether the call store is shared by replicas (it has a Shared() bool
// method that says so). Then whichever replica receives dialin.ready patches the call, so
// Shutdown need not wait for this one to do it.
func (s *Server) sharedStore() bool {
	sh, ok := s.store.(interface{ Shared() bool })
	return ok && sh.Shared()
}

// onReady handles dialin.ready: one SIP endpoint of the room can take the call. With patch:
// serve, the first ready endpoint of a call gets the call, exactly once: finding the call
// and claiming its patch are one step of the store.
func (s *Server) onReady(p webhook.DialinReady) {
	ctx := context.Background()
	servePatches := s.cfg.Patch == serveconfig.PatchServe
	var rec callstore.Record
	var ok, claimed bool
	var err error
	if servePatches {
		rec, ok, claimed, err = s.store.ClaimPatchByRoom(ctx, p.Room)
	} else {
		rec, ok, err = s.store.ByRoom(ctx, p.Room)
	}
	switch {
	case err != nil && servePatches:
		s.log.Error("call store unavailable; call not patched", "room", p.Room, "err", err)
		return
	case err == nil && !ok:
		s.log.Info("dialin.ready for a room serve does not know", "room", p.Room)
		return
	case !s.found(p.Room, ok, err):
		return
	}
	c := s.callOf(rec)
	endpoint := daily.NormalizeSIPURI(p.SIPEndpoint)
	s.emit(c, Event{Kind: EventReady, Room: p.Room, SIPURI: endpoint})
	// The bot patches with patch: bot, and a bot that makes its own room always does (the
	// claim then taken is one nobody else wants).
	if !claimed || s.starters[c.rule] != nil {
		return // or another endpoint (or replica) patches this call
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

// onConnected handles dialin.connected: the caller is in the room; the hold is over. The
// store finds the call and records it connected in one step, whichever replica took it; only
// the delivery that changed the record counts it.
func (s *Server) onConnected(p webhook.DialinSession) {
	now := time.Now()
	rec, ok, changed, err := s.store.MarkByRoom(context.Background(), p.Room, callstore.Mark{State: callstore.Connected, At: now})
	if !s.found(p.Room, ok, err) {
		return
	}
	c := s.callOf(rec)
	c.mu.Lock()
	c.connected = true
	if !c.ended && rec.State == callstore.Connected {
		// As stored, also when another replica's delivery recorded it: this process's later
		// writes of the record keep it.
		c.rec.State, c.rec.ConnectedAt = rec.State, rec.ConnectedAt
	}
	c.mu.Unlock()
	if !changed {
		return
	}
	s.metrics.hold.Observe(now.Sub(c.received).Seconds())
	s.emit(c, Event{Kind: EventConnected, At: now, Room: p.Room})
	s.log.Debug("call connected", "call_id", c.id, "room", p.Room, "hold_s", now.Sub(c.received).Seconds())
}

// onStopped handles dialin.stopped: the call is over. The store finds the call and records
// its end in one step, whichever replica took it.
func (s *Server) onStopped(p webhook.DialinSession) {
	now := time.Now()
	rec, ok, _, err := s.store.MarkByRoom(context.Background(), p.Room, callstore.Mark{State: callstore.Ended, Reason: "stopped", At: now})
	if s.found(p.Room, ok, err) {
		s.finish(rec.CallID, "stopped", now, true)
	}
}

// endCall frees a call's slot, once, whatever ended it: dialin.stopped, the bot exiting, or
// the maximum call duration.
func (s *Server) endCall(id, reason string) { s.finish(id, reason, time.Now(), false) }

// finish is endCall; stored says the store already records the end (onStopped's step), so
// that only this process's copy of the record changes.
func (s *Server) finish(id, reason string, now time.Time, stored bool) {
	c := s.local(id)
	if c == nil {
		// Another replica's call, or one already ended here: free the slot if a shared
		// gate still holds it.
		if s.gate.Release(id) {
			s.metrics.ended.WithLabelValues(reason).Inc()
		}
		return
	}
	end := func(r *callstore.Record) { r.State, r.Reason, r.EndedAt = callstore.Ended, reason, now }
	if stored {
		c.mu.Lock()
		if !c.ended {
			end(&c.rec)
		}
		c.mu.Unlock()
	} else {
		s.update(c, end)
	}
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
