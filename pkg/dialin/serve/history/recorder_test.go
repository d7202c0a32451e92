package history_test

import (
	"context"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

// TestRecorderTimeline: the recorder turns a call's events into its timeline, outcome and
// hold time, tells subscribers each step, and a failed call names the step that failed.
func TestRecorderTimeline(t *testing.T) {
	t.Parallel()
	rec := history.NewRecorder(history.NewMemory(10, time.Hour, nil), nil)
	updates, cancel := rec.Subscribe()
	defer cancel()
	t0 := time.Now()
	at := func(ms int) (time.Time, time.Duration) {
		d := time.Duration(ms) * time.Millisecond
		return t0.Add(d), d
	}
	emit := func(id string, kind serve.EventKind, ms int, e serve.Event) {
		e.CallID, e.Kind = id, kind
		e.At, e.Since = at(ms)
		rec.Emit(e)
	}
	emit("ok", serve.EventReceived, 0, serve.Event{Rule: "default", Bot: "cmd", From: "+15550001111", To: "+14155550100", Body: []byte(`{"callId":"ok"}`)})
	emit("ok", serve.EventAdmitted, 1, serve.Event{})
	emit("ok", serve.EventRoomCreated, 40, serve.Event{Room: "r1"})
	emit("ok", serve.EventBotStarted, 60, serve.Event{PID: 42})
	emit("ok", serve.EventConnected, 1500, serve.Event{Room: "r1"})
	emit("ok", serve.EventEnded, 9000, serve.Event{Reason: "stopped"})
	emit("bad", serve.EventReceived, 0, serve.Event{Rule: "default"})
	emit("bad", serve.EventAdmitted, 1, serve.Event{})
	emit("bad", serve.EventFailed, 30, serve.Event{Reason: "creating the room: HTTP 500"})
	emit("", serve.EventRejected, 0, serve.Event{Reason: "bad signature"})
	rec.Close()

	ctx := context.Background()
	ok, found, _ := rec.Store().Get(ctx, "ok")
	if !found || ok.Outcome != history.Answered || ok.HoldMs != 1500 || len(ok.Steps) != 6 || ok.Bot != "cmd" || ok.Body != `{"callId":"ok"}` || !ok.ReceivedAt.Equal(t0) {
		t.Fatalf("answered call = %+v", ok)
	}
	if s, d := ok.Longest(); s.Kind != "connected" || d != 1440 {
		t.Fatalf("longest step = %s %v", s.Kind, d)
	}
	bad, _, _ := rec.Store().Get(ctx, "bad")
	if bad.Outcome != history.Failed || bad.FailedStep != "room_created" || bad.Reason != "creating the room: HTTP 500" {
		t.Fatalf("failed call = %+v", bad)
	}
	if all, _ := rec.Store().List(ctx, history.Filter{}); len(all) != 2 {
		t.Fatalf("%d calls recorded, want 2 (a rejected request is no call)", len(all))
	}
	var steps int
	for len(updates) > 0 {
		u := <-updates
		if u.Call.Body != "" {
			t.Fatal("an update carries the webhook body")
		}
		steps++
	}
	if steps != 9 {
		t.Fatalf("%d updates, want 9", steps)
	}
}

// TestRefusedWithoutRule: a call no rule matches is refused at the "rule" step.
func TestRefusedWithoutRule(t *testing.T) {
	t.Parallel()
	var c history.Call
	history.Apply(&c, serve.Event{Kind: serve.EventReceived})
	history.Apply(&c, serve.Event{Kind: serve.EventRefused, Since: 2 * time.Millisecond, Reason: "no rule matches"})
	if c.Outcome != history.Refused || c.FailedStep != "rule" || c.HoldMs != 2 {
		t.Fatalf("%+v", c)
	}
}

// TestEndedWithoutDailyEvents: a call that ended with serve hearing no Daily event is
// "ended" (serve cannot tell); one whose bot failed first, or that was ready but never
// connected, is "unanswered" at the connected step.
func TestEndedWithoutDailyEvents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		before []serve.Event
		want   string
	}{
		{"no events", []serve.Event{{Kind: serve.EventBotExited, ExitCode: 0}}, history.Ended},
		{"bot failed", []serve.Event{{Kind: serve.EventBotExited, ExitCode: 1}}, history.Unanswered},
		{"ready, not connected", []serve.Event{{Kind: serve.EventReady, SIPURI: "sip:a"}}, history.Unanswered},
	} {
		var c history.Call
		history.Apply(&c, serve.Event{Kind: serve.EventReceived, Rule: "r"})
		for _, e := range tc.before {
			history.Apply(&c, e)
		}
		history.Apply(&c, serve.Event{Kind: serve.EventEnded, Reason: "bot_exit"})
		if c.Outcome != tc.want || (tc.want == history.Unanswered && c.FailedStep != "connected") {
			t.Errorf("%s: %+v", tc.name, c)
		}
	}
}
