package history

import (
	"fmt"
	"strings"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// Apply adds event e to c's timeline and updates its outcome; it returns the step added.
func Apply(c *Call, e serve.Event) Step {
	if c.Outcome == "" {
		c.Outcome = InProgress
	}
	st := Step{Kind: string(e.Kind), At: e.At, SinceMs: float64(e.Since.Microseconds()) / 1000, Detail: detail(e)}
	c.Steps = append(c.Steps, st)
	switch e.Kind {
	case serve.EventConnected:
		c.Outcome, c.HoldMs = Answered, st.SinceMs
	case serve.EventRefused, serve.EventFailed:
		c.Outcome, c.Reason = map[serve.EventKind]string{serve.EventRefused: Refused, serve.EventFailed: Failed}[e.Kind], e.Reason
		c.FailedStep = failedStep(c, e)
		c.HoldMs = st.SinceMs
	case serve.EventEnded:
		if c.Outcome == InProgress && heardOf(c) {
			c.Outcome, c.Reason, c.HoldMs = Unanswered, "ended before connecting: "+e.Reason, st.SinceMs
			c.FailedStep = "connected"
		} else if c.Outcome == InProgress {
			c.Outcome = Ended
		}
	default:
		if c.Outcome == InProgress {
			c.HoldMs = st.SinceMs
		}
	}
	return st
}

// heardOf reports whether serve knows that the call did not connect: Daily's ready event
// reached it (so connected would have too), or the bot failed.
func heardOf(c *Call) bool {
	for _, s := range c.Steps {
		if s.Kind == string(serve.EventReady) || (s.Kind == string(serve.EventBotExited) && !strings.HasPrefix(s.Detail, "exit 0")) {
			return true
		}
	}
	return false
}

// failedStep names the step that did not happen, from the reason serve gave or else the
// step after the last one reached.
func failedStep(c *Call, e serve.Event) string {
	for prefix, step := range map[string]string{
		"creating the room": "room_created", "making the meeting token": "token",
		"starting the bot": "bot_started", "pinlessCallUpdate": "patched",
		"no free slot": "admitted", "the agent's pool stayed full": "bot_started",
	} {
		if strings.HasPrefix(e.Reason, prefix) {
			return step
		}
	}
	if c.Rule == "" {
		return "rule"
	}
	order := []string{"received", "admitted", "room_created", "token", "bot_started", "ready", "patched", "connected"}
	last := 0
	for _, s := range c.Steps {
		for i, k := range order {
			if s.Kind == k && i > last {
				last = i
			}
		}
	}
	if last+1 < len(order) {
		return order[last+1]
	}
	return string(e.Kind)
}

// detail is what matters of e for its kind, in one short line.
func detail(e serve.Event) string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	switch e.Kind {
	case serve.EventQueued:
		add("position %d", e.Position)
	case serve.EventRoomCreated, serve.EventConnected:
		if e.Room != "" {
			add("room %s", e.Room)
		}
	case serve.EventBotStarted:
		if e.PID > 0 {
			add("pid %d", e.PID)
		}
	case serve.EventReady, serve.EventPatched:
		add("%s", e.SIPURI)
	case serve.EventBotExited:
		add("exit %d", e.ExitCode)
	}
	if e.Reason != "" && e.Kind != serve.EventReceived {
		add("%s", e.Reason)
	}
	return strings.Join(parts, "; ")
}
