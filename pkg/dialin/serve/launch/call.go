package launch

import (
	"context"
	"encoding/json"
	"time"
)

// CallInfo is everything a bot needs to take a call. The JSON form is the line written to a
// process bot's stdin and the body POSTed to a bot runner.
type CallInfo struct {
	RoomURL    string            `json:"room_url"`
	Token      string            `json:"token"`
	CallID     string            `json:"call_id"`
	CallDomain string            `json:"call_domain"`
	SIPURI     string            `json:"sip_uri"`
	From       string            `json:"from"`
	To         string            `json:"to"`
	SIPHeaders map[string]string `json:"sip_headers"`
}

func (c CallInfo) values() map[string]string {
	return map[string]string{
		"room_url": c.RoomURL, "token": c.Token, "call_id": c.CallID, "call_domain": c.CallDomain,
		"sip_uri": c.SIPURI, "from": c.From, "to": c.To,
	}
}

// JSON is the call as one line of JSON, ending in a newline.
func (c CallInfo) JSON() []byte {
	if c.SIPHeaders == nil {
		c.SIPHeaders = map[string]string{}
	}
	b, _ := json.Marshal(c) // strings and a map of strings always marshal
	return append(b, '\n')
}

// Launcher starts the bot of one call. Launch returns once the bot has been started (a
// process is running, or a runner accepted the call); it does not wait for the bot to end.
// ctx bounds the start only: a started bot outlives it.
type Launcher interface {
	Launch(ctx context.Context, call CallInfo) (*Bot, error)
}

// Bot is a started bot.
type Bot struct {
	// PID is the process id, 0 when the bot is not a local process.
	PID int
	// Exited receives one Exit when the bot ends and is then closed. It is nil when the
	// launcher cannot watch the bot (an HTTP runner).
	Exited <-chan Exit
}

// Exit says how a bot process ended.
type Exit struct {
	At   time.Time
	Code int    // exit status; -1 when killed by a signal
	How  string // "exit status 3", "signal: killed", …
}
