package serve

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// Shutdown in the middle of a burst: every call that was answered "accepted" has its bot
// started by the time Shutdown returns; calls arriving after get 503 and start nothing.
func TestShutdownDuringBurstLosesNoAcceptedCall(t *testing.T) {
	t.Parallel()
	cfg := &serveconfig.Config{Caps: serveconfig.Caps{Global: 50}}
	h := newHarness(t, harnessOpts{cfg: cfg, emuOpts: []dailytest.Option{dailytest.WithLatency(20 * time.Millisecond)}})
	const calls = 30
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		accepted []string
		refused  []string
	)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 3 * time.Millisecond) // spread over ~90 ms
			id := fmt.Sprintf("sd-%02d", i)
			code, r := h.post("/dialin", callBody(id, testNumber, "+1", nil), h.secret, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case code == 200 && r.Status == "accepted":
				accepted = append(accepted, id)
			case code == 503 && r.Reason == "shutting down":
				refused = append(refused, id)
			default:
				t.Errorf("%s: %d %+v", id, code, r)
			}
		}()
	}
	testkit.Eventually(t, "the first calls", func() bool { return len(h.events.of(EventReceived, "")) >= 10 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	// Checked the moment Shutdown returns, not eventually.
	startedAtShutdown := map[string]bool{}
	for _, e := range h.events.of(EventBotStarted, "") {
		startedAtShutdown[e.CallID] = true
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(accepted) < 10 || len(accepted)+len(refused) != calls {
		t.Fatalf("%d accepted, %d refused", len(accepted), len(refused))
	}
	for _, id := range accepted {
		if !startedAtShutdown[id] {
			t.Errorf("accepted call %s had no bot when Shutdown returned", id)
		}
	}
	for _, id := range refused {
		if len(h.events.kinds(id)) != 0 {
			t.Errorf("call %s refused with 503 but has events %v", id, h.events.kinds(id))
		}
	}
	if n := h.emu.Count("POST", "/rooms"); n != len(accepted) {
		t.Fatalf("%d rooms for %d accepted calls", n, len(accepted))
	}
	t.Logf("%d accepted before shutdown, %d turned away", len(accepted), len(refused))
}

// A Shutdown whose deadline passes gives up calls still waiting for a slot: they are
// refused, never left half-done.
func TestShutdownDeadlineRefusesWaitingCalls(t *testing.T) {
	t.Parallel()
	cfg := &serveconfig.Config{Caps: serveconfig.Caps{Global: 1, QueueTimeout: time.Minute}}
	h := newHarness(t, harnessOpts{cfg: cfg, botEnv: []string{"SERVE_TESTBOT_SLEEP=60s"}})
	h.post("/dialin", callBody("hold-1", testNumber, "+1", nil), h.secret, "")
	h.post("/dialin", callBody("hold-2", testNumber, "+1", nil), h.secret, "")
	h.waitEvent(EventBotStarted, "hold-1")
	h.waitEvent(EventQueued, "hold-2")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != context.DeadlineExceeded {
		t.Fatalf("Shutdown = %v, want the deadline", err)
	}
	if e := h.waitEvent(EventRefused, "hold-2"); e.Reason != "serve is shutting down" {
		t.Fatalf("refused %+v", e)
	}
	if h.metric("dialin_serve_calls_total", "refused_shutdown") != 1 {
		t.Fatal("not counted")
	}
	// the running bot was left alone
	if len(h.events.of(EventBotExited, "hold-1")) != 0 {
		t.Fatal("Shutdown stopped a running bot")
	}
}
