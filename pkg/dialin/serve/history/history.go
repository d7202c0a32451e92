// Package history keeps the last calls serve handled, each with its timeline, for people
// who want to know why a call was (not) answered: `dialin calls`, the admin API and the
// inspector page read it. A Recorder is a serve.Sink that turns the engine's events into
// Call records and writes them to a Store (in memory, or Redis shared by replicas), capped
// in number and expiring after a TTL, since they hold callers' numbers.
package history

import (
	"context"
	"strings"
	"time"
)

// Outcomes of a call.
const (
	InProgress = "in_progress" // no answer yet
	Answered   = "answered"    // the caller reached the room (connected)
	Unanswered = "unanswered"  // it ended without connecting (e.g. the bot exited first)
	// Ended: it ended and serve cannot tell whether the caller connected, since no Daily
	// event (ready, connected) reached its /events for this call.
	Ended   = "ended"
	Refused = "refused" // no rule, no slot in time, or serve shutting down
	Failed  = "failed"  // the room, token, bot start or patch failed
)

// Outcomes lists every outcome, for filters and completions.
var Outcomes = []string{InProgress, Answered, Unanswered, Ended, Refused, Failed}

// Step is one event of a call's timeline.
type Step struct {
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
	// SinceMs is the time since the webhook was received, in milliseconds.
	SinceMs float64 `json:"sinceMs"`
	Detail  string  `json:"detail,omitempty"` // room, SIP URI, pid, position, reason
}

// Call is one call's record.
type Call struct {
	CallID     string    `json:"callId"`
	Rule       string    `json:"rule,omitempty"`
	Bot        string    `json:"bot,omitempty"`   // the rule's bot kind
	Route      string    `json:"route,omitempty"` // the route secret that verified it
	From       string    `json:"from"`
	To         string    `json:"to"`
	ReceivedAt time.Time `json:"receivedAt"`
	Outcome    string    `json:"outcome"`
	// FailedStep is, for a refused or failed call, the step that did not happen; Reason
	// says why.
	FailedStep string `json:"failedStep,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// HoldMs is the caller's wait on hold: until connected, else until the call was given
	// up or ended, else until the last step so far.
	HoldMs float64 `json:"holdMs"`
	Steps  []Step  `json:"steps"`
	// Body is the webhook's body as Daily sent it (replay re-sends it).
	Body string `json:"body,omitempty"`
}

// Step returns the first step of kind, if any.
func (c *Call) Step(kind string) (Step, bool) {
	for _, s := range c.Steps {
		if s.Kind == kind {
			return s, true
		}
	}
	return Step{}, false
}

// Longest returns the step of the caller's hold that took longest since the one before it,
// and how long (what happens after the call connected is not waiting).
func (c *Call) Longest() (Step, float64) {
	var best Step
	var most, prev float64
	for _, s := range c.Steps {
		if s.SinceMs > c.HoldMs {
			break
		}
		if d := s.SinceMs - prev; d > most {
			best, most = s, d
		}
		prev = s.SinceMs
	}
	return best, most
}

// Filter selects calls in List; zero fields select all.
type Filter struct {
	Outcome string    // one of the outcomes
	Number  string    // a substring of From or To
	Since   time.Time // received at or after
	Limit   int       // at most this many (0: all)
}

// Match reports whether c passes f (Limit aside).
func (f Filter) Match(c Call) bool {
	if f.Outcome != "" && c.Outcome != f.Outcome {
		return false
	}
	if f.Number != "" && !strings.Contains(c.From, f.Number) && !strings.Contains(c.To, f.Number) {
		return false
	}
	return f.Since.IsZero() || !c.ReceivedAt.Before(f.Since)
}

// Store keeps calls, at most a cap of them (the oldest received go first), each for a TTL
// after its last Put.
type Store interface {
	// Put writes c, replacing the record of the same CallID.
	Put(ctx context.Context, c Call) error
	// Get returns the call, ok=false when unknown or expired.
	Get(ctx context.Context, callID string) (Call, bool, error)
	// List returns the calls that pass f, newest received first.
	List(ctx context.Context, f Filter) ([]Call, error)
	// Swap writes next in place of prev, in one step, if the call as stored is prev (as the
	// caller last read or wrote it), and reports swapped. Otherwise it writes nothing and
	// returns the call as stored (ok=false: unknown or expired). The recorder writes each
	// event with it, without reading the call first, and replicas that record events of
	// the same call do not overwrite each other's.
	Swap(ctx context.Context, prev, next Call) (current Call, ok, swapped bool, err error)
}
