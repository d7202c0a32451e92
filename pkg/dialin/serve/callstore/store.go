// Package callstore keeps the state of the calls serve has taken: who took a call (first
// wins, so a repeated webhook never makes a second room or bot), the answer its first
// delivery got, its room (so Daily's dialin.* events, which name only the room, find their
// call), and whether its pinlessCallUpdate has been claimed (exactly once per call).
//
// Store is the seam for sharing that state between serve replicas: each method is one atomic
// step, and Memory implements it for one process. Steps that a call takes together (the
// replay mark and the claim; finding a call by its room and recording what Daily's event
// says) are one method each, so that a shared store spends one network round trip on them.
package callstore

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// State is where a call is in serve's flow.
type State string

// The states of a call, in order; Refused and Failed end a call that never got a bot.
const (
	Accepted   State = "accepted"    // verified and claimed; the webhook was answered
	Queued     State = "queued"      // waiting for a slot
	Admitted   State = "admitted"    // holds a slot; room, token and bot under way
	BotStarted State = "bot_started" // the bot was started or handed the call
	Connected  State = "connected"   // Daily connected the caller (dialin.connected)
	Ended      State = "ended"       // the call is over and its slot free
	Refused    State = "refused"     // no rule, no slot in time, or shutting down
	Failed     State = "failed"      // the room, token or bot could not be made
)

// Answer is the HTTP answer a call's first delivery got; a repeated delivery gets it again.
type Answer struct {
	Status int    `json:"status"`
	Body   []byte `json:"body"`
}

// Record is one call.
type Record struct {
	CallID     string `json:"call_id"`
	CallDomain string `json:"call_domain"`
	To         string `json:"to"`
	From       string `json:"from"`
	Rule       string `json:"rule,omitempty"`
	State      State  `json:"state"`
	Reason     string `json:"reason,omitempty"`
	Owner      string `json:"owner,omitempty"` // the replica that took the call

	Room         string   `json:"room,omitempty"`
	RoomURL      string   `json:"room_url,omitempty"`
	SIPEndpoints []string `json:"sip_endpoints,omitempty"`
	// SessionID is the session a Pipecat runner or Pipecat Cloud answered for the call.
	SessionID string `json:"session_id,omitempty"`

	ReceivedAt  time.Time `json:"received_at"`
	ConnectedAt time.Time `json:"connected_at,omitzero"`
	EndedAt     time.Time `json:"ended_at,omitzero"`

	Answer Answer `json:"answer"`
}

// finalStates end a call: nothing changes its record any more.
var finalStates = []State{Ended, Refused, Failed}

// Final reports whether a call in state s is over.
func (s State) Final() bool { return slices.Contains(finalStates, s) }

// Mark is what one of Daily's events records about a call: dialin.connected (State
// Connected, At its ConnectedAt) or dialin.stopped (State Ended, with Reason, At its
// EndedAt).
type Mark struct {
	State  State
	Reason string
	At     time.Time
}

// SkippedIn are the states of a record that m leaves as it is: the call is over, or already
// in m's state.
func (m Mark) SkippedIn() []State { return append(slices.Clone(finalStates), m.State) }

// apply records m in r, unless r's state is one of m.SkippedIn(); it reports whether it
// changed r.
func (m Mark) apply(r *Record) bool {
	if slices.Contains(m.SkippedIn(), r.State) {
		return false
	}
	r.State = m.State
	if m.Reason != "" {
		r.Reason = m.Reason
	}
	if m.State == Connected {
		r.ConnectedAt = m.At
	} else {
		r.EndedAt = m.At
	}
	return true
}

// Check reports a Mark a store does not take: only Connected and Ended are Daily's to say.
func (m Mark) Check() error {
	if m.State != Connected && m.State != Ended {
		return fmt.Errorf("call store: mark: state %q: want %q or %q", m.State, Connected, Ended)
	}
	return nil
}

func (r Record) clone() Record {
	r.SIPEndpoints = slices.Clone(r.SIPEndpoints)
	r.Answer.Body = slices.Clone(r.Answer.Body)
	return r
}

// Store keeps call records for a TTL after their last write.
type Store interface {
	// Claim stores rec if no call with its CallID is known and reports claimed=true;
	// otherwise it returns the record already stored and claimed=false.
	Claim(ctx context.Context, rec Record) (existing Record, claimed bool, err error)
	// Put replaces the record of rec.CallID (only its owner writes it) and indexes its Room.
	Put(ctx context.Context, rec Record) error
	// Get returns the record of a call.
	Get(ctx context.Context, callID string) (Record, bool, error)
	// ByRoom returns the record of the call whose room is room.
	ByRoom(ctx context.Context, room string) (Record, bool, error)
	// ClaimPatch reports true to the first caller for a call, and false ever after: whoever
	// gets true calls pinlessCallUpdate.
	ClaimPatch(ctx context.Context, callID string) (bool, error)
	// Once reports true the first time key is seen within ttl (replay protection).
	Once(ctx context.Context, key string, ttl time.Duration) (bool, error)

	// OnceClaim is Once(key, ttl) then Claim(rec), in one atomic step: a webhook's replay
	// mark and its claim. An empty key sets no mark and reports first=true.
	OnceClaim(ctx context.Context, key string, ttl time.Duration, rec Record) (first bool, existing Record, claimed bool, err error)
	// MarkByRoom records m in the record of the call whose room is room, in one atomic step,
	// unless that call is over (Final) or already in m's state; changed reports whether it
	// did, and rec is the record as the step left it. Whichever replica receives Daily's
	// event may call it.
	MarkByRoom(ctx context.Context, room string, m Mark) (rec Record, found, changed bool, err error)
	// ClaimPatchByRoom is ByRoom(room) then ClaimPatch of its call, in one atomic step.
	ClaimPatchByRoom(ctx context.Context, room string) (rec Record, found, claimed bool, err error)
}
