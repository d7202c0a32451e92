package serve

import (
	"context"
	"log/slog"
	"time"
)

// EventKind names a step of a call.
type EventKind string

// The steps of a call, in the order a good call takes them.
const (
	EventReceived    EventKind = "received"     // a verified webhook for a new call
	EventDuplicate   EventKind = "duplicate"    // a repeated delivery; it got the first answer
	EventRejected    EventKind = "rejected"     // a webhook refused (bad signature, body, …); Reason says why
	EventTest        EventKind = "test"         // Daily's test/verification body, answered 200
	EventQueued      EventKind = "queued"       // over a cap: waiting for a slot
	EventAdmitted    EventKind = "admitted"     // holds a slot
	EventRefused     EventKind = "refused"      // no rule, no slot in time, or shutting down
	EventRoomCreated EventKind = "room_created" // the call's room exists
	EventToken       EventKind = "token"        // the bot's meeting token exists
	EventBotStarted  EventKind = "bot_started"  // the bot was started or handed the call
	EventReady       EventKind = "ready"        // a SIP endpoint of the room is ready (dialin.ready)
	EventPatched     EventKind = "patched"      // serve patched the call (patch: serve)
	EventConnected   EventKind = "connected"    // the caller is in the room (dialin.connected)
	EventBotExited   EventKind = "bot_exited"   // the bot process ended
	EventEnded       EventKind = "ended"        // the call is over and its slot free; Reason says why
	EventFailed      EventKind = "failed"       // room, token, bot start or patch failed; Reason says why
)

// StepStartBot begins the Reason of a failed event whose bot could not be started
// ("starting the bot: …"), for a caller that reacts to it (`dialin dev` ends its session).
const StepStartBot = "starting the bot"

// Event is one step of one call. Fields that do not apply to a kind are zero.
type Event struct {
	Kind   EventKind
	CallID string // "" for a rejected or test request
	Rule   string
	At     time.Time
	// Since is the time since the call's webhook was received.
	Since time.Duration
	// Reason says why, for rejected, refused, failed, duplicate and ended.
	Reason string
	// To and From are the caller's values as Daily sent them (on received only). They are
	// not escaped: a sink that prints them must.
	To, From string
	Room     string // room name, from room_created on
	SIPURI   string // the endpoint, on ready and patched
	Position int    // place in the queue, on queued (1 = next)
	Seq      uint64 // arrival order at the caps gate, on queued and admitted
	Order    uint64 // admission order, on admitted
	PID      int    // bot process id, on bot_started (0 for an HTTP runner)
	ExitCode int    // on bot_exited (-1: killed by a signal)
	// On received only: the bot kind of the rule ("cmd", "url", "pipecat", …), the name of
	// the route secret that verified the webhook, and the webhook's body as it came (it
	// holds the caller's number: a sink that keeps it must keep it private and bounded).
	Bot, Route string
	Body       []byte
}

// Sink receives events. Emit is called from many goroutines, and must be safe for that
// and return quickly (it is on the path of calls).
type Sink interface {
	Emit(Event)
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(Event)

// Emit calls f.
func (f SinkFunc) Emit(e Event) { f(e) }

// MultiSink sends each event to every sink in turn.
func MultiSink(sinks ...Sink) Sink {
	return SinkFunc(func(e Event) {
		for _, s := range sinks {
			if s != nil {
				s.Emit(e)
			}
		}
	})
}

// LogSink logs each event as one structured record (the JSON log when stderr is not a TTY).
// Rejections, refusals and failures are warnings.
func LogSink(l *slog.Logger) Sink {
	return SinkFunc(func(e Event) {
		level := slog.LevelInfo
		switch e.Kind {
		case EventRejected, EventRefused, EventFailed:
			level = slog.LevelWarn
		}
		attrs := []slog.Attr{slog.String("event", string(e.Kind))}
		add := func(ok bool, a slog.Attr) {
			if ok {
				attrs = append(attrs, a)
			}
		}
		add(e.CallID != "", slog.String("call_id", e.CallID))
		add(e.Rule != "", slog.String("rule", e.Rule))
		add(e.Since != 0, slog.Float64("since_s", e.Since.Seconds()))
		add(e.Reason != "", slog.String("reason", e.Reason))
		add(e.To != "", slog.String("to", e.To))
		add(e.From != "", slog.String("from", e.From))
		add(e.Room != "", slog.String("room", e.Room))
		add(e.SIPURI != "", slog.String("sip_uri", e.SIPURI))
		add(e.Position != 0, slog.Int("position", e.Position))
		add(e.PID != 0, slog.Int("pid", e.PID))
		add(e.Kind == EventBotExited, slog.Int("exit_code", e.ExitCode))
		l.LogAttrs(context.Background(), level, "call "+string(e.Kind), attrs...)
	})
}
