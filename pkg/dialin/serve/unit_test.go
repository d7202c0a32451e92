package serve

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

func TestMetricPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/": "/", "": "/", "/rooms": "/rooms", "/rooms/abc-123": "/rooms/:id", "/meeting-tokens/[redacted]": "/meeting-tokens/:id",
		"/dialin/pinlessCallUpdate": "/dialin/pinlessCallUpdate", "/webhooks/uuid?x=1": "/webhooks/:id", "/rooms?limit=100": "/rooms",
	} {
		if got := metricPath(in); got != want {
			t.Errorf("metricPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLogSink(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var seen []EventKind
	sink := MultiSink(LogSink(slog.New(slog.NewJSONHandler(&buf, nil))), nil, SinkFunc(func(e Event) { seen = append(seen, e.Kind) }))
	sink.Emit(Event{Kind: EventBotExited, CallID: "c1", Rule: "r", Since: 1500 * time.Millisecond, PID: 42, ExitCode: 0})
	sink.Emit(Event{Kind: EventRejected, Reason: "signature does not match"})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || len(seen) != 2 {
		t.Fatalf("lines %q seen %v", lines, seen)
	}
	var first, second map[string]any
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[1]), &second)
	if first["event"] != "bot_exited" || first["call_id"] != "c1" || first["since_s"] != 1.5 || first["pid"] != 42.0 || first["exit_code"] != 0.0 || first["level"] != "INFO" {
		t.Fatalf("first record %v", first)
	}
	if second["level"] != "WARN" || second["reason"] != "signature does not match" || second["call_id"] != nil {
		t.Fatalf("second record %v", second)
	}
}

func TestIsEventTest(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{`{"test":"test"}`: true, `{}`: true, `{"type":"dialin.ready"}`: false, `[]`: false, `{"test":1}{}`: false, `null`: false} {
		if got := isEventTest([]byte(body)); got != want {
			t.Errorf("isEventTest(%s) = %v", body, got)
		}
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	emu := dailytest.New(t)
	client := daily.New(emu.APIKey, daily.WithBaseURL(emu.URL))
	bot := &rules.Rule{Bot: rules.Bot{Cmd: "no-such-bot-program-xyz {call_id}"}}
	if _, err := New(&serveconfig.Config{Default: bot}, Deps{Client: client}); err == nil || !strings.Contains(err.Error(), `default.bot: program "no-such-bot-program-xyz" is not in PATH`) {
		t.Fatalf("missing program: %v", err)
	}
	ok := &rules.Rule{Bot: rules.Bot{URL: "http://127.0.0.1:1/start"}}
	if _, err := New(&serveconfig.Config{Default: ok, Tokens: serveconfig.TokensLocal}, Deps{Client: client}); err == nil || !strings.Contains(err.Error(), "API key") {
		t.Fatalf("local tokens without a key: %v", err)
	}
	if _, err := New(&serveconfig.Config{Default: ok}, Deps{}); err == nil {
		t.Fatal("no client: no error")
	}
	if _, err := New(&serveconfig.Config{}, Deps{Client: client}); err == nil || !strings.Contains(err.Error(), "no rules and no default") {
		t.Fatalf("empty config: %v", err)
	}
}

// InsecureSkipVerify takes unsigned calls (for local experiments only) and reports ready
// without secrets.
func TestInsecureSkipVerify(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{noRoutes: true, deps: func(d *Deps) { d.InsecureSkipVerify = true }})
	if ok, why := h.srv.Ready(); !ok {
		t.Fatalf("not ready: %s", why)
	}
	if code, r := h.post("/dialin", callBody("unsigned", testNumber, "+1", nil), "", ""); code != 200 || r.Status != "accepted" {
		t.Fatalf("%d %+v", code, r)
	}
	h.waitEvent(EventBotStarted, "unsigned")
}

// Without any secret serve cannot tell a good call from a forged one: it answers 503 (try
// again) rather than 401, and starts nothing.
func TestNoSecretsAnswers503(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{noRoutes: true, deps: func(d *Deps) { d.Secrets = StaticSecrets{} }})
	code, r := h.post("/dialin", callBody("c", testNumber, "+1", nil), h.secret, "")
	if code != 503 || r.Status != "unavailable" || !strings.Contains(r.Reason, "no route secrets") {
		t.Fatalf("%d %+v", code, r)
	}
	if h.emu.Count("POST", "/rooms") != 0 || h.metric("dialin_serve_webhooks_rejected_total", "not_ready") != 1 {
		t.Fatal("started something or not counted")
	}
}
