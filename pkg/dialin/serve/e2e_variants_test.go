package serve

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testbot"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// The stand-in bot (what `dialin demo` runs) takes calls from serve through stdin, patches
// them, and the calls connect; with local tokens no /meeting-tokens request is made.
func TestStandinBotWithLocalTokens(t *testing.T) {
	t.Parallel()
	cfg := &serveconfig.Config{Tokens: serveconfig.TokensLocal}
	h := newHarness(t, harnessOpts{cfg: cfg, events: true, botEnv: []string{testbot.EnvStandin + "=1"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var ids []string
	for range 3 {
		id, err := h.emu.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550001111"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		rec, err := h.emu.WaitCall(ctx, id, "connected", "lost", "dropped")
		if err != nil || rec.State != "connected" {
			t.Fatalf("call %s: %s %v %+v", id, rec.State, err, rec.Timeline)
		}
		if _, ok := rec.At("bot_started"); !ok {
			t.Fatalf("the stand-in did not report bot_started: %+v", rec.Timeline)
		}
		h.waitEvent(EventConnected, id)
	}
	if n := h.emu.Count("POST", "/meeting-tokens"); n != 0 {
		t.Fatalf("%d token requests with tokens: local", n)
	}
	// Hanging up ends the call; the stand-in leaves and exits 0, a normal exit.
	for _, id := range ids {
		if _, err := h.emu.Hangup(id); err != nil {
			t.Fatal(err)
		}
		h.waitEvent(EventEnded, id)
		if e := h.waitEvent(EventBotExited, id); e.ExitCode != 0 {
			t.Fatalf("stand-in exit %+v", e)
		}
	}
	testkit.Eventually(t, "normal exits counted", func() bool { return h.metric("dialin_serve_bot_exits_total", "normal") == 3 })
	if h.metric("dialin_serve_bot_exits_total", "bot_failed") != 0 {
		t.Fatal("a stand-in exit counted as failed")
	}
}

// A rule with a bot runner URL POSTs the call as JSON instead of starting a process.
func TestHTTPBotRunner(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		got []launch.CallInfo
	)
	runner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var c launch.CallInfo
		json.Unmarshal(b, &c)
		mu.Lock()
		got = append(got, c)
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer runner.Close()
	cfg := &serveconfig.Config{
		Rules: []rules.Rule{
			{Name: "runner", Match: rules.Matcher{From: []string{"+44*"}}, Bot: rules.Bot{URL: runner.URL + "/start"}},
			{Name: "local", Match: rules.Matcher{From: []string{"+1*"}}, Bot: rules.Bot{Cmd: "SELF"}},
		},
	}
	h := newHarness(t, harnessOpts{cfg: cfg})
	h.post("/dialin", callBody("to-runner", testNumber, "+442071234567", map[string]string{"X-A": "b"}), h.secret, "")
	h.post("/dialin", callBody("to-process", testNumber, "+15550001111", nil), h.secret, "")
	if e := h.waitEvent(EventBotStarted, "to-runner"); e.PID != 0 || e.Rule != "runner" {
		t.Fatalf("runner bot %+v", e)
	}
	if e := h.waitEvent(EventBotStarted, "to-process"); e.PID == 0 || e.Rule != "local" {
		t.Fatalf("process bot %+v", e)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].CallID != "to-runner" || got[0].Token == "" || got[0].RoomURL == "" || got[0].SIPHeaders["X-A"] != "b" || got[0].CallDomain != "dom-to-runner" {
		t.Fatalf("runner got %+v", got)
	}
	// an answer from a runner is the bot started: no exit to watch, the slot stays taken
	if h.metric("dialin_serve_active_calls") != 2 {
		t.Fatalf("active %v", h.metric("dialin_serve_active_calls"))
	}
}

// A room that cannot be created fails the call: counted, its slot freed at once. (A 400 is
// not retried; a 5xx is, see TestCallsConnectUnderDailyFaults.)
func TestRoomFailureFreesSlot(t *testing.T) {
	t.Parallel()
	cfg := &serveconfig.Config{Caps: serveconfig.Caps{Global: 1, QueueTimeout: 10 * time.Second}}
	h := newHarness(t, harnessOpts{cfg: cfg, botEnv: []string{testbot.EnvSleep + "=30s"}})
	h.emu.FailNext(400, 1)
	h.post("/dialin", callBody("room-fail", testNumber, "+1", nil), h.secret, "")
	e := h.waitEvent(EventFailed, "room-fail")
	if h.metric("dialin_serve_calls_total", "failed_room") != 1 || e.Reason == "" {
		t.Fatalf("failed %+v", e)
	}
	h.post("/dialin", callBody("room-ok", testNumber, "+1", nil), h.secret, "")
	h.waitEvent(EventBotStarted, "room-ok")
	if len(h.events.of(EventQueued, "room-ok")) != 0 {
		t.Fatal("the failed call kept its slot")
	}
}
