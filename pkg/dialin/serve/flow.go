package serve

import (
	"context"
	"errors"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/caps"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// run takes an accepted call to its bot: a slot, a room, a token, the bot.
func (s *Server) run(c *call) {
	ctx := s.runCtx
	req := caps.Request{CallID: c.id, Rule: c.rule.Name, RuleCap: c.rule.Cap}
	adm, err := s.gate.Acquire(ctx, req, func(pos int, seq uint64) {
		s.emit(c, Event{Kind: EventQueued, Position: pos, Seq: seq})
		s.update(c, func(r *callstore.Record) { r.State = callstore.Queued })
	})
	if err != nil {
		outcome, reason := "refused_queue_timeout", "no free slot within "+s.cfg.Caps.QueueTimeout.String()
		switch {
		case errors.Is(err, caps.ErrQueueTimeout):
		case ctx.Err() != nil:
			outcome, reason = "refused_shutdown", "serve is shutting down"
		default: // a shared gate's store failing: refuse rather than exceed a cap
			outcome, reason = "refused_gate", "caps unavailable: "+err.Error()
		}
		s.giveUp(c, callstore.Refused, EventRefused, outcome, reason)
		return
	}
	s.emit(c, Event{Kind: EventAdmitted, Seq: adm.Seq, Order: adm.Order})
	c.mu.Lock()
	c.timer = time.AfterFunc(s.cfg.MaxCallDuration, func() { s.endCall(c.id, "max_duration") })
	c.mu.Unlock()
	if st := s.starters[c.rule]; st != nil {
		s.update(c, func(r *callstore.Record) { r.State = callstore.Admitted })
		s.start(ctx, c, st)
		return
	}
	// The record says admitted when it gets the room: one write, not two (with a shared
	// store each is a network round trip on the way to the bot).

	// The room and the token are retried while the caller can still be holding.
	stepCtx, cancel := context.WithDeadline(c.inBudgetQueue(ctx), later(c.received.Add(s.d.HoldBudget), time.Now().Add(min(minStepWindow, s.d.HoldBudget))))
	defer cancel()
	room, err := s.d.Rooms.Room(stepCtx, RoomRequest{CallID: c.id, CallDomain: c.domain, To: c.to, From: c.from, SIPHeaders: c.headers, Rule: c.rule})
	if err != nil {
		// A lost answer may have made the room: delete it by the name it would have.
		s.discardRoom(c, RoomName(c.domain, c.id))
		s.failStep(ctx, c, "failed_room", "creating the room", err)
		return
	}
	s.update(c, func(r *callstore.Record) {
		r.State, r.Room, r.RoomURL, r.SIPEndpoints = callstore.Admitted, room.Name, room.URL, room.Endpoints
	})
	s.emit(c, Event{Kind: EventRoomCreated, Room: room.Name})

	token, err := s.d.Tokens.Token(stepCtx, room)
	s.someRequestsMade(c, c.pathRequests)
	if err != nil {
		s.discardRoom(c, room.Name)
		s.failStep(ctx, c, "failed_token", "making the meeting token", err)
		return
	}
	s.emit(c, Event{Kind: EventToken, Room: room.Name})

	info := launch.CallInfo{
		RoomURL: room.URL, Token: token, CallID: c.id, CallDomain: c.domain, SIPURI: room.SIPURI,
		From: c.from, To: c.to, SIPHeaders: c.headers,
	}
	bot, err := s.launchers[c.rule].Launch(ctx, info)
	if err != nil {
		s.discardRoom(c, room.Name)
		s.failStep(ctx, c, "failed_bot", StepStartBot, err)
		return
	}
	now := time.Now()
	s.metrics.calls.WithLabelValues("bot_started").Inc()
	s.metrics.webhookToBot.Observe(now.Sub(c.received).Seconds())
	s.update(c, func(r *callstore.Record) { r.State = callstore.BotStarted })
	s.emit(c, Event{Kind: EventBotStarted, At: now, Room: room.Name, PID: bot.PID})
	s.log.Debug("bot started", "call_id", c.id, "rule", c.rule.Name, "room", room.Name, "pid", bot.PID, "since_s", now.Sub(c.received).Seconds())
	if s.cfg.Patch == serveconfig.PatchBot {
		s.spendBotPatch(c)
	}
	if s.cfg.Patch == serveconfig.PatchBot || s.sharedStore() {
		s.settled(c)
	}
	if bot.Exited != nil {
		go s.watchBot(c, bot)
	}
}

// failStep gives up a call whose room, token or bot could not be made.
func (s *Server) failStep(ctx context.Context, c *call, outcome, step string, err error) {
	if ctx.Err() != nil {
		s.giveUp(c, callstore.Refused, EventRefused, "refused_shutdown", "serve is shutting down ("+step+" was cut short)")
		return
	}
	s.giveUp(c, callstore.Failed, EventFailed, outcome, step+": "+err.Error())
}

// giveUp ends a call that never got a bot: its slot (if any) is freed at once.
func (s *Server) giveUp(c *call, state callstore.State, kind EventKind, outcome, reason string) {
	s.requestsMade(c)
	s.metrics.calls.WithLabelValues(outcome).Inc()
	s.update(c, func(r *callstore.Record) { r.State, r.Reason, r.EndedAt = state, reason, time.Now() })
	c.mu.Lock()
	c.ended = true
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
	s.gate.Release(c.id)
	s.emit(c, Event{Kind: kind, Reason: reason})
	s.log.Warn("call "+string(kind), "call_id", c.id, "rule", c.rule.Name, "outcome", outcome, "reason", reason)
	s.forget(c.id)
	s.settled(c)
}

// watchBot waits for the bot process to end. A bot that ends before its call connected
// failed (when serve can tell: it receives Daily's events, or the bot exited non-zero).
func (s *Server) watchBot(c *call, bot *launch.Bot) {
	e, ok := <-bot.Exited
	if !ok {
		return
	}
	s.emit(c, Event{Kind: EventBotExited, At: e.At, PID: bot.PID, ExitCode: e.Code, Reason: e.How})
	c.mu.Lock()
	connected := c.connected
	c.mu.Unlock()
	if !connected && (e.Code != 0 || s.events.ready()) {
		s.metrics.botExits.WithLabelValues("bot_failed").Inc()
		s.log.Warn("bot exited before the call connected", "call_id", c.id, "rule", c.rule.Name, "pid", bot.PID, "exit", e.How)
	} else {
		s.metrics.botExits.WithLabelValues("normal").Inc()
		s.log.Debug("bot exited", "call_id", c.id, "pid", bot.PID, "exit", e.How)
	}
	s.endCall(c.id, "bot_exit")
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// roomDiscarder is a RoomSource that can delete the room of a call that failed (RESTRooms).
type roomDiscarder interface {
	Discard(ctx context.Context, name string) error
}

// discardDeadline bounds the deletion of a failed call's room, retries included; the
// client's rate limiter keeps the deletions within Daily's request budget.
const discardDeadline = time.Minute

// discardRoom deletes, in the background, the room made for a call that then failed, so
// that no room is left behind; Shutdown waits for it.
func (s *Server) discardRoom(c *call, name string) {
	d, ok := s.d.Rooms.(roomDiscarder)
	if !ok || name == "" {
		return
	}
	s.goBackground(func() {
		ctx, cancel := context.WithTimeout(daily.WithPriority(context.Background(), daily.PriorityHousekeeping), discardDeadline)
		defer cancel()
		if err := d.Discard(ctx, name); err != nil {
			s.metrics.roomsDiscarded.WithLabelValues("error").Inc()
			s.log.Warn("deleting the room of a failed call failed; it closes at its exp", "call_id", c.id, "room", name, "err", err)
			return
		}
		s.metrics.roomsDiscarded.WithLabelValues("deleted").Inc()
		s.log.Debug("deleted the room of a failed call", "call_id", c.id, "room", name)
	})
}
