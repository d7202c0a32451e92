package serve

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testbot"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// 50 simultaneous calls against a global cap of 5: never more than 5 bots alive, the queue
// admits in arrival order, and the calls left waiting past the queue timeout are refused.
func TestBurstRespectsCapsAndQueue(t *testing.T) {
	t.Parallel()
	const calls, capacity = 50, 5
	const queueTimeout = 1500 * time.Millisecond
	cfg := &serveconfig.Config{Caps: serveconfig.Caps{Global: capacity, QueueTimeout: queueTimeout}}
	h := newHarness(t, harnessOpts{cfg: cfg, botEnv: []string{testbot.EnvSleep + "=300ms"}})
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			id := fmt.Sprintf("burst-%02d", i)
			if code, r := h.post("/dialin", callBody(id, testNumber, "+1555000"+fmt.Sprint(i), nil), h.secret, ""); code != 200 || r.Status != "accepted" {
				t.Errorf("%s: %d %+v", id, code, r)
			}
		}()
	}
	close(start)
	wg.Wait()
	testkit.Eventually(t, "every call started or refused", func() bool {
		return len(h.events.of(EventBotStarted, ""))+len(h.events.of(EventRefused, "")) == calls
	})
	started, refused := h.events.of(EventBotStarted, ""), h.events.of(EventRefused, "")
	if len(started) < capacity || len(refused) == 0 {
		t.Fatalf("%d started, %d refused: the burst should fill the cap and overflow the queue", len(started), len(refused))
	}
	for _, e := range started {
		if len(h.events.of(EventRefused, e.CallID)) != 0 {
			t.Fatalf("%s both started and refused", e.CallID)
		}
	}
	// Refused calls waited the whole queue timeout.
	for _, e := range refused {
		q := h.events.of(EventQueued, e.CallID)
		if len(q) != 1 || e.At.Sub(q[0].At) < queueTimeout {
			t.Fatalf("%s refused after %v in the queue (%d queued events)", e.CallID, e.At.Sub(q[0].At), len(q))
		}
	}
	// FIFO: calls that waited were admitted in the order they arrived.
	var admittedFromQueue []Event
	for _, e := range h.events.of(EventAdmitted, "") {
		if len(h.events.of(EventQueued, e.CallID)) == 1 {
			admittedFromQueue = append(admittedFromQueue, e)
		}
	}
	if len(admittedFromQueue) == 0 {
		t.Fatal("no call was admitted from the queue")
	}
	slices.SortFunc(admittedFromQueue, func(a, b Event) int { return int(a.Order) - int(b.Order) })
	for i := 1; i < len(admittedFromQueue); i++ {
		if admittedFromQueue[i].Seq < admittedFromQueue[i-1].Seq {
			t.Fatalf("admission %d (arrival %d) came after arrival %d: not FIFO", admittedFromQueue[i].Order, admittedFromQueue[i].Seq, admittedFromQueue[i-1].Seq)
		}
	}
	// Never more than the cap alive at once (each bot counted the bots running when it began).
	testkit.Eventually(t, "every bot's record", func() bool { return len(h.records()) == len(started) })
	for _, r := range h.records() {
		if r.Alive > capacity || r.Alive < 1 {
			t.Fatalf("a bot saw %d bots alive, cap %d", r.Alive, capacity)
		}
	}
	if h.metric("dialin_serve_calls_total", "refused_queue_timeout") != float64(len(refused)) ||
		h.metric("dialin_serve_calls_total", "bot_started") != float64(len(started)) {
		t.Fatal("outcomes not counted")
	}
	testkit.Eventually(t, "every slot freed", func() bool {
		return h.metric("dialin_serve_active_calls") == 0 && h.metric("dialin_serve_queue_depth") == 0
	})
	if h.emu.Count("POST", "/rooms") != len(started) {
		t.Fatalf("%d rooms for %d started calls: refused calls must make none", h.emu.Count("POST", "/rooms"), len(started))
	}
}

// A bot that crashes before its call connects is counted as failed, and its slot goes to
// the next call.
func TestCrashingBotFreesItsSlot(t *testing.T) {
	t.Parallel()
	cfg := &serveconfig.Config{Caps: serveconfig.Caps{Global: 1, QueueTimeout: 20 * time.Second}}
	h := newHarness(t, harnessOpts{cfg: cfg, botEnv: []string{testbot.EnvExit + "=3"}})
	for _, id := range []string{"crash-1", "crash-2", "crash-3"} {
		if code, _ := h.post("/dialin", callBody(id, testNumber, "+1", nil), h.secret, ""); code != 200 {
			t.Fatalf("%s: %d", id, code)
		}
	}
	for _, id := range []string{"crash-1", "crash-2", "crash-3"} {
		exited := h.waitEvent(EventBotExited, id)
		ended := h.waitEvent(EventEnded, id)
		if exited.ExitCode != 3 || ended.Reason != "bot_exit" {
			t.Fatalf("%s: exit %+v, ended %+v", id, exited, ended)
		}
	}
	if h.metric("dialin_serve_bot_exits_total", "bot_failed") != 3 || h.metric("dialin_serve_calls_ended_total", "bot_exit") != 3 ||
		h.metric("dialin_serve_calls_total", "refused_queue_timeout") != 0 {
		t.Fatal("crashes not counted, or a call was refused")
	}
	testkit.Eventually(t, "the slot freed", func() bool { return h.metric("dialin_serve_active_calls") == 0 })
}

// The maximum call duration frees a slot whose call never reported its end.
func TestMaxCallDurationFreesSlot(t *testing.T) {
	t.Parallel()
	cfg := &serveconfig.Config{Caps: serveconfig.Caps{Global: 1, QueueTimeout: 20 * time.Second}, MaxCallDuration: time.Second}
	h := newHarness(t, harnessOpts{cfg: cfg, botEnv: []string{testbot.EnvSleep + "=60s"}})
	h.post("/dialin", callBody("long-1", testNumber, "+1", nil), h.secret, "")
	h.post("/dialin", callBody("long-2", testNumber, "+1", nil), h.secret, "")
	h.waitEvent(EventBotStarted, "long-1")
	if e := h.waitEvent(EventEnded, "long-1"); e.Reason != "max_duration" || e.Since < time.Second {
		t.Fatalf("ended %+v", e)
	}
	h.waitEvent(EventBotStarted, "long-2")
	if q := h.events.of(EventQueued, "long-2"); len(q) != 1 {
		t.Fatal("the second call did not wait for the first one's slot")
	}
}
