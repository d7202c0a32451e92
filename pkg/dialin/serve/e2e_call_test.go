package serve

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testbot"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// A call placed through the emulator reaches a real bot process started with the seed's
// arguments; the bot joins, patches the call, and the caller is connected.
func TestCallConnects(t *testing.T) {
	t.Parallel()
	// REST tokens: the test counts the call's token request.
	h := newHarness(t, harnessOpts{cfg: &serveconfig.Config{Tokens: serveconfig.TokensREST}, events: true, botEnv: []string{testbot.EnvJoin + "=1", testbot.EnvSleep + "=30s"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id, err := h.emu.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+442071234567", SIPHeaders: map[string]string{"X-Team": "support"}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := h.emu.WaitCall(ctx, id, "connected", "lost", "dropped")
	if err != nil || rec.State != "connected" {
		t.Fatalf("call %s: %v %+v", rec.State, err, rec.Timeline)
	}
	h.waitEvent(EventConnected, id)

	var recs []testbot.Record
	testkit.Eventually(t, "the bot's record", func() bool { recs = h.records(); return len(recs) > 0 })
	h.quiesce() // a second bot, if one were started, has been by now
	if n := len(h.events.of(EventBotStarted, id)); n != 1 {
		t.Fatalf("%d bots started", n)
	}
	if recs = h.records(); len(recs) != 1 {
		t.Fatalf("%d bots started", len(recs))
	}
	bot := recs[0]
	if len(bot.Problems) != 0 || !bot.Patched {
		t.Fatalf("bot: %+v", bot)
	}
	self, _ := os.Executable()
	argv := bot.Argv
	if argv[0] != self || len(argv) != 11 || argv[1] != "-u" || argv[3] != "-t" || argv[5] != "-i" || argv[6] != id || argv[7] != "-d" || argv[8] != rec.Domain || argv[9] != "-s" {
		t.Fatalf("argv = %q", argv)
	}
	if !strings.HasSuffix(argv[2], "/"+rec.Room) || strings.HasPrefix(argv[10], "sip:") || !strings.Contains(argv[10], "@") {
		t.Fatalf("room url %q / sip uri %q (room %s)", argv[2], argv[10], rec.Room)
	}
	if _, err := h.emu.VerifyMeetingToken(argv[4]); err != nil {
		t.Fatalf("bot's token: %v", err)
	}
	var stdin launch.CallInfo
	if err := json.Unmarshal([]byte(bot.Stdin), &stdin); err != nil || stdin.CallID != id || stdin.From != "+442071234567" || stdin.To != testNumber || stdin.SIPHeaders["X-Team"] != "support" || stdin.Token != argv[4] {
		t.Fatalf("stdin: %+v (%v)", stdin, err)
	}
	if bot.Env["DAILY_API_KEY"] != h.emu.APIKey || bot.Env["DAILY_API_URL"] != h.emu.URL || bot.Env["DIALIN_PATCH"] != "bot" {
		t.Fatalf("bot env lacks the API settings: %v", keys(bot.Env))
	}

	want := []EventKind{EventReceived, EventAdmitted, EventRoomCreated, EventToken, EventBotStarted, EventReady, EventConnected}
	if got := h.events.kinds(id); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	received := h.events.of(EventReceived, id)[0]
	if received.From != "+442071234567" || received.To != testNumber {
		t.Fatalf("received event: %+v", received)
	}
	if c := h.events.of(EventConnected, id)[0]; c.Since <= 0 || c.Rule != "default" {
		t.Fatalf("connected event: %+v", c)
	}
	if h.metric("dialin_serve_calls_total", "bot_started") != 1 || h.metric("dialin_serve_hold_seconds") != 1 ||
		h.metric("dialin_serve_webhook_to_bot_seconds") != 1 || h.metric("dialin_serve_active_calls") != 1 {
		t.Fatal("metrics do not show the call")
	}
	if h.metric("dialin_serve_daily_requests_total", "200", "POST", "/rooms") != 1 || h.metric("dialin_serve_daily_requests_total", "200", "POST", "/meeting-tokens") != 1 {
		t.Fatal("Daily requests not observed")
	}

	// The caller hangs up: dialin.stopped frees the slot.
	if _, err := h.emu.Hangup(id); err != nil {
		t.Fatal(err)
	}
	ended := h.waitEvent(EventEnded, id)
	if ended.Reason != "stopped" || h.metric("dialin_serve_active_calls") != 0 {
		t.Fatalf("ended: %+v, active %v", ended, h.metric("dialin_serve_active_calls"))
	}
	// The webhook answer Daily got was the fast 200.
	answered, _ := h.emu.Call(id)
	if m, ok := markOf(answered, "webhook_answered"); !ok || m.Detail != "200" {
		t.Fatalf("webhook_answered = %+v", m)
	}
	if strings.Contains(h.logs.String(), argv[4]) || strings.Contains(h.logs.String(), h.secret) || strings.Contains(h.logs.String(), h.emu.APIKey) {
		t.Fatal("a secret reached the logs")
	}
}

func markOf(r dailytest.CallRecord, name string) (dailytest.Mark, bool) {
	for _, m := range r.Timeline {
		if m.Name == name {
			return m, true
		}
	}
	return dailytest.Mark{}, false
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestHealthReadyAndMetricsEndpoints(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{noStart: true, noRoutes: true})
	h.routeElsewhere()
	get := func(path string) (int, string) {
		resp, err := http.Get(h.hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 64<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, b.String()
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "no route secrets loaded") {
		t.Fatalf("readyz before Start: %d %s", code, body)
	}
	if err := h.srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code, body := get("/readyz"); code != 200 {
		t.Fatalf("readyz after Start: %d %s", code, body)
	}
	code, body := get("/metrics")
	for _, name := range []string{"dialin_serve_queue_depth", "dialin_serve_active_calls", `dialin_serve_daily_requests_total{code="200",method="GET",path="/"}`, `dialin_serve_secret_refreshes_total{result="ok",source="routes"}`, "go_goroutines"} {
		if !strings.Contains(body, name) {
			t.Errorf("metrics (%d) lack %s", code, name)
		}
	}
	if strings.Contains(body, h.secret) {
		t.Fatal("the secret is in the metrics")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "shutting down") {
		t.Fatalf("readyz after Shutdown: %d %s", code, body)
	}
	if code, r := h.post("/dialin", callBody("late-call", testNumber, "+1", nil), h.secret, ""); code != 503 || r.Reason != "shutting down" {
		t.Fatalf("webhook after Shutdown: %d %+v", code, r)
	}
}
