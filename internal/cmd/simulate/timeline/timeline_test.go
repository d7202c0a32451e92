package timeline

import (
	"strings"
	"testing"
	"time"
)

func call(state string, marks ...string) Call {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := Call{ID: "c1", To: "+14155550100", From: "a\nb", State: state}
	for i, m := range marks {
		c.Timeline = append(c.Timeline, Mark{Name: m, At: t0.Add(time.Duration(i*100) * time.Millisecond)})
	}
	return c
}

func TestHoldAndOutcome(t *testing.T) {
	t.Parallel()
	held := call(StateHeld, "received", "webhook_sent")
	if _, ok := held.Hold(); ok || held.Done() || held.Outcome() != "still held" {
		t.Fatalf("held: %v %s", held.Done(), held.Outcome())
	}
	ended := call(StateEnded, "received", "webhook_sent", "connected", "ended")
	if h, ok := ended.Hold(); !ok || h != 200*time.Millisecond || !ended.Done() || ended.Outcome() != "connected, hold 200ms" {
		t.Fatalf("connected then ended: %v %v %s", h, ok, ended.Outcome())
	}
	lost := call(StateLost, "received", "webhook_sent", "webhook_answered", "lost")
	if lost.Connected() || !lost.Done() || lost.Outcome() != "lost after 300ms on hold" {
		t.Fatalf("lost: %s", lost.Outcome())
	}
	r := lost.Report()
	if r.Connected || r.HoldMS == nil || *r.HoldMS != 300 || len(r.Timeline) != 4 || r.Timeline[3].OffsetMS != 300 {
		t.Fatalf("report %+v", r)
	}
	if held.Report().HoldMS != nil {
		t.Fatal("a held call has a hold time")
	}
}

func TestRenderEscapesCallerValues(t *testing.T) {
	t.Parallel()
	c := call(StateConnected, "received", "connected")
	c.Timeline[1].Detail = "\x1b[2J"
	out := c.Render()
	if strings.ContainsAny(out, "\x1b") || !strings.Contains(out, `from "a\nb"`) || !strings.Contains(out, `"\x1b[2J"`) {
		t.Fatalf("%q", out)
	}
	if !strings.Contains(out, "\n    +100ms  connected") {
		t.Fatalf("%s", out)
	}
}

// TestRenderInTimeOrder: a mark the emulator learnt late (room_created) is printed at its
// time, not where it arrived.
func TestRenderInTimeOrder(t *testing.T) {
	t.Parallel()
	c := call(StateConnected, "received", "bot_started", "connected")
	c.Timeline = append(c.Timeline, Mark{Name: "room_created", At: c.Timeline[0].At.Add(2 * time.Millisecond)})
	out := c.Render()
	if strings.Index(out, "room_created") > strings.Index(out, "bot_started") {
		t.Fatalf("room_created (+2ms) after bot_started (+100ms):\n%s", out)
	}
	if r := c.Report(); r.Timeline[1].Name != "room_created" {
		t.Fatalf("report order %+v", r.Timeline)
	}
}

// TestFormatMarkSaysWhatHappened: "updated" alone is Daily's jargon; the line says what it
// did, and keeps the name (the key in --json and serve's log) and the detail.
func TestFormatMarkSaysWhatHappened(t *testing.T) {
	t.Parallel()
	c := call(StateConnected, "received", "updated", "connected")
	c.Timeline[1].Detail = "sip:room.0@x.sip.daily.co"
	out := c.Render()
	for _, want := range []string{
		"    +100ms  updated           the call was forwarded to the bot's room: sip:room.0@x.sip.daily.co\n",
		"    +200ms  connected         the caller is in the bot's room\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
}
