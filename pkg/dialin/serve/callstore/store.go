// Package callstore keeps the state of the calls serve has taken: who took a call (first
// wins, so a repeated webhook never makes a second room or bot), the answer its first
// delivery got, its room (so Daily's dialin.* events, which name only the room, find their
// call), and whether its pinlessCallUpdate has been claimed (exactly once per call).
//
// Store is the seam for sharing that state between serve replicas: each method is one atomic
// step, and Memory implements it for one process.
package callstore

import (
	"context"
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
}
