package servecmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

func TestFormatEvent(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 14, 3, 7, 412e6, time.UTC)
	id := "3f2a1b2c-0000-4000-8000-000000000000"
	long := strings.Repeat("9", 100)
	for _, tt := range []struct {
		e    serve.Event
		want string
	}{
		{serve.Event{Kind: serve.EventReceived, CallID: id, Rule: "default", At: at, From: "+15550001111", To: "+14155550100"},
			`14:03:07.412  3f2a1b2c  received      default   +0ms     from "+15550001111" to "+14155550100"`},
		{serve.Event{Kind: serve.EventReceived, CallID: id, Rule: "default", At: at, From: "$(reboot)\n\x1b[2J\u202e", To: long},
			`14:03:07.412  3f2a1b2c  received      default   +0ms     from "$(reboot)\n\x1b[2J\u202e" to "` + long[:64] + `"…`},
		{serve.Event{Kind: serve.EventBotStarted, CallID: id, Rule: "support", At: at, Since: 3 * time.Millisecond, PID: 4121},
			`14:03:07.412  3f2a1b2c  bot_started   support   +3ms     pid 4121`},
		{serve.Event{Kind: serve.EventBotExited, CallID: id, Rule: "support", At: at, Since: 2 * time.Second, ExitCode: 1, Reason: "exit status 1"},
			`14:03:07.412  3f2a1b2c  bot_exited    support   +2000ms  exit 1`},
		{serve.Event{Kind: serve.EventRejected, At: at, Reason: "signature does not match"},
			`14:03:07.412  -         rejected      -         -        signature does not match`},
		{serve.Event{Kind: serve.EventRefused, CallID: "x\ny", At: at, Since: time.Millisecond, Reason: "no rule matched \"a\nb\""},
			`14:03:07.412  "x\ny"    refused       -         +1ms     "no rule matched \"a\nb\""`},
		{serve.Event{Kind: serve.EventQueued, CallID: id, Rule: "r", At: at, Position: 2},
			`14:03:07.412  3f2a1b2c  queued        r         +0ms     position 2`},
	} {
		if got := FormatEvent(tt.e, nil); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.e.Kind, got, tt.want)
		}
	}
}

// TestLoggerRedacts: known secrets are replaced in messages, values and errors, attributes
// named like secrets are dropped, and a serve without verification marks every record.
func TestLoggerRedacts(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := newLogger(&buf, LogJSON, false, []string{"KEY123", "c2VjcmV0"}, true)
	l.With("api_key", "anything").Info("using KEY123", "err", errors.New("bad c2VjcmV0"), "token", "eyJabc", "url", "http://x/?k=KEY123")
	out := buf.String()
	for _, s := range []string{"KEY123", "c2VjcmV0", "eyJabc", "anything"} {
		if strings.Contains(out, s) {
			t.Fatalf("secret %q logged: %s", s, out)
		}
	}
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["insecure_skip_verify"] != true || rec["msg"] != "using [redacted]" || rec["err"] != "bad [redacted]" {
		t.Fatalf("%v", rec)
	}
}

// TestLoggerHumanKeepsWarningsAndBotOutput: on a terminal the event lines show each step, so
// the log keeps only warnings, errors and what bots print.
func TestLoggerHumanKeepsWarningsAndBotOutput(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := newLogger(&buf, LogText, true, nil, false)
	l.Info("call received", "call_id", "c1")
	l.Info("bot output", "call_id", "c1", "line", "hello")
	l.Warn("webhook rejected", "reason", "stale")
	l.Warn("call store write failed", "call_id", "c1")
	out := buf.String()
	if strings.Contains(out, "call received") || strings.Contains(out, "webhook rejected") || !strings.Contains(out, "line=hello") || !strings.Contains(out, "call store write failed") {
		t.Fatalf("%s", out)
	}
}
