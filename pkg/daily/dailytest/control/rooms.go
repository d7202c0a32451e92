package control

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Participant is a participant of one room at the emulator, authenticated with a meeting
// token for that room, as a bot joins it.
type Participant struct {
	c     *Client
	room  string
	token string
}

// Participant returns the room's participant that uses token.
func (c *Client) Participant(room, token string) *Participant {
	return &Participant{c: c, room: room, token: token}
}

// Joined is the emulator's answer to a join.
type Joined struct {
	ParticipantID string   `json:"participant_id"`
	SIPEndpoints  []string `json:"sip_endpoints"` // "sip:…", not necessarily ready yet
}

func (p *Participant) path(action string) string {
	return "/_emulator/rooms/" + url.PathEscape(p.room) + "/" + action
}

// Join enters the room; the first participant makes its SIP endpoints become ready.
func (p *Participant) Join(ctx context.Context) (Joined, error) {
	var j Joined
	err := p.c.do(ctx, http.MethodPost, p.path("join"), nil, p.token, nil, &j)
	return j, err
}

// Ready long-polls for up to wait (at most 60 s at the emulator) until a SIP endpoint of the
// room is ready, and returns every ready endpoint in endpoint order ("sip:…"). When the wait
// runs out it returns (nil, nil). ctx should allow longer than wait.
func (p *Participant) Ready(ctx context.Context, wait time.Duration) ([]string, error) {
	var a struct {
		Ready []string `json:"ready"`
	}
	err := p.c.do(ctx, http.MethodGet, p.path("ready"), url.Values{"wait": {wait.String()}}, p.token, nil, &a)
	if IsStatus(err, http.StatusRequestTimeout) {
		return nil, nil
	}
	return a.Ready, err
}

// Leave takes the participant out of the room; the last one out ends the room's session.
func (p *Participant) Leave(ctx context.Context, participantID string) error {
	return p.c.do(ctx, http.MethodPost, p.path("leave"), nil, p.token, map[string]string{"participant_id": participantID}, nil)
}
