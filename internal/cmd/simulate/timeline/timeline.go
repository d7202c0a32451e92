// Package timeline reads, follows and renders an emulated call's timeline: the marks the
// emulator (pkg/daily/dailytest) records from "received" to "connected", "lost" or
// "dropped", each with its offset from "received", and the hold time (connected −
// received), the seconds a caller listens to hold music. `simulate call --emulator` and
// `demo` print calls with it.
package timeline

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dialin-project/dialin/internal/cmd/servecmd/escape"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// Call states the emulator reports.
const (
	StateHeld      = "held"
	StateConnected = "connected"
	StateLost      = "lost"
	StateDropped   = "dropped"
	StateEnded     = "ended"
)

// MarkWebhookFailed is the mark of a dial-in webhook the emulator could not deliver (it does
// not retry, so the call can only be lost).
const MarkWebhookFailed = "webhook_failed"

// Final are the states after which a held call has its outcome (a connected call may still
// end later, it has its outcome already).
var Final = []string{StateConnected, StateLost, StateDropped, StateEnded}

// Mark is one moment of a call.
type Mark struct {
	Name   string    `json:"name"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail,omitempty"`
}

// Call is the emulator's record of a call, as GET /_emulator/calls/{id} answers it.
type Call struct {
	ID       string `json:"id"`
	Domain   string `json:"domain"`
	To       string `json:"to"`
	From     string `json:"from"`
	Room     string `json:"room"`
	State    string `json:"state"`
	Timeline []Mark `json:"timeline"`
}

// FromRecord converts an in-process emulator's record.
func FromRecord(r dailytest.CallRecord) Call {
	c := Call{ID: r.ID, Domain: r.Domain, To: r.To, From: r.From, Room: r.Room, State: r.State}
	for _, m := range r.Timeline {
		c.Timeline = append(c.Timeline, Mark{Name: m.Name, At: m.At, Detail: m.Detail})
	}
	return c
}

// At returns the time of the first mark called name.
func (c Call) At(name string) (time.Time, bool) {
	for _, m := range c.Timeline {
		if m.Name == name {
			return m.At, true
		}
	}
	return time.Time{}, false
}

// Connected reports whether the caller reached the bot (the call may have ended since).
func (c Call) Connected() bool {
	_, ok := c.At(StateConnected)
	return ok
}

// Done reports whether the call has its outcome: connected, or over without connecting.
func (c Call) Done() bool { return c.Connected() || (c.State != StateHeld && c.State != "") }

// Offset is the time from "received" to m.
func (c Call) Offset(m Mark) time.Duration {
	if r, ok := c.At("received"); ok {
		return m.At.Sub(r)
	}
	return 0
}

// Hold is the time the caller was on hold: to "connected", or, for a call that never
// connected, to its end. ok is false while the call is still held.
func (c Call) Hold() (d time.Duration, ok bool) {
	r, hasReceived := c.At("received")
	if !hasReceived {
		return 0, false
	}
	if t, ok := c.At(StateConnected); ok {
		return t.Sub(r), true
	}
	for _, end := range []string{StateLost, StateDropped, StateEnded} {
		if t, ok := c.At(end); ok {
			return t.Sub(r), true
		}
	}
	return 0, false
}

// Header is the first line of a call's rendering: its id, and To and From escaped.
func (c Call) Header() string {
	return fmt.Sprintf("call %s  to %s from %s", escape.Printable(c.ID, 64), escape.Quote(c.To, 64), escape.Quote(c.From, 64))
}

// markMeaning says what a mark means, for people: the names are the emulator's and serve's
// event names (kept as they are in --json and logs), and some say little on their own
// ("updated" is Daily's pinlessCallUpdate moving the caller). Marks whose detail already
// says it (a status, a reason) have none.
var markMeaning = map[string]string{
	"received":     "Daily answered the caller, who now hears hold music",
	"webhook_sent": "Daily sent the route's webhook",
	"room_created": "the bot's room was created",
	"bot_joined":   "the bot joined the room",
	"ready":        "the room's SIP endpoint is ready",
	"updated":      "the call was forwarded to the bot's room",
	"connected":    "the caller is in the bot's room",
}

// FormatMark renders one mark: its offset from "received", its name, and what happened
// (its meaning and detail).
func (c Call) FormatMark(m Mark) string {
	what := escape.Printable(m.Detail, 120)
	if meaning, ok := markMeaning[m.Name]; ok {
		what = strings.TrimSuffix(meaning+": "+what, ": ")
	}
	line := fmt.Sprintf("  %8s  %-17s %s", fmt.Sprintf("+%dms", c.Offset(m).Milliseconds()), escape.Printable(m.Name, 40), what)
	return strings.TrimRight(line, " ")
}

// Outcome is the last line: "connected, hold 1234ms" or "lost after 120000ms on hold".
func (c Call) Outcome() string {
	hold, ok := c.Hold()
	switch {
	case c.Connected():
		return fmt.Sprintf("connected, hold %dms", hold.Milliseconds())
	case ok:
		return fmt.Sprintf("%s after %dms on hold", escape.Printable(c.State, 20), hold.Milliseconds())
	}
	return "still " + escape.Printable(c.State, 20)
}

// inTimeOrder returns the marks sorted by time (marks at the same instant keep their order).
func (c Call) inTimeOrder() []Mark {
	marks := slices.Clone(c.Timeline)
	slices.SortStableFunc(marks, func(a, b Mark) int { return a.At.Compare(b.At) })
	return marks
}

// Render writes the whole call: header, every mark, outcome.
func (c Call) Render() string {
	var sb strings.Builder
	sb.WriteString(c.Header() + "\n")
	for _, m := range c.inTimeOrder() {
		sb.WriteString(c.FormatMark(m) + "\n")
	}
	sb.WriteString("  " + c.Outcome() + "\n")
	return sb.String()
}

// Report is a call as `--json` prints it.
type Report struct {
	CallID    string       `json:"call_id"`
	To        string       `json:"to"`
	From      string       `json:"from"`
	Room      string       `json:"room,omitempty"`
	State     string       `json:"state"`
	Connected bool         `json:"connected"`
	HoldMS    *int64       `json:"hold_ms"` // null while held
	Timeline  []ReportMark `json:"timeline"`
}

// ReportMark is a mark with its offset from "received".
type ReportMark struct {
	Name     string    `json:"name"`
	At       time.Time `json:"at"`
	OffsetMS int64     `json:"offset_ms"`
	Detail   string    `json:"detail,omitempty"`
}

// Report returns the call for --json.
func (c Call) Report() Report {
	r := Report{CallID: c.ID, To: c.To, From: c.From, Room: c.Room, State: c.State, Connected: c.Connected(), Timeline: []ReportMark{}}
	if hold, ok := c.Hold(); ok {
		ms := hold.Milliseconds()
		r.HoldMS = &ms
	}
	for _, m := range c.inTimeOrder() {
		r.Timeline = append(r.Timeline, ReportMark{Name: m.Name, At: m.At, OffsetMS: c.Offset(m).Milliseconds(), Detail: m.Detail})
	}
	return r
}
