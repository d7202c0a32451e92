package serve

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// A burst of calls over what Daily's request budget carries within the caller's hold: the
// calls the budget can serve in time get their bot, every other one is refused in its
// webhook's answer (503, so Daily plays the route's timeout message at once), counted and
// logged once; none is accepted and then left on hold.
func TestOverBudgetBurstIsRefusedAtOnceNotLost(t *testing.T) {
	t.Parallel()
	const calls = 30
	// A hold of 3 s leaves 1 s of budget after DefaultAdmissionMargin: about 10 + 18 requests, 3
	// (room, REST token, the bot's patch) per call, so roughly a third of the burst fits.
	const hold = 3 * time.Second
	cfg := &serveconfig.Config{Tokens: serveconfig.TokensREST}
	h := newHarness(t, harnessOpts{cfg: cfg, dailyLimits: true, deps: func(d *Deps) { d.HoldBudget = hold }})

	accepted, refused := h.burst(t, "budget", calls)
	t.Logf("%d accepted, %d refused", len(accepted), len(refused))
	if len(accepted) < 5 || len(refused) < 5 {
		t.Fatalf("%d accepted, %d refused: the burst should fill the budget and overflow it", len(accepted), len(refused))
	}
	// Every accepted call reaches its bot: admission let in only what the budget carries.
	testkit.Eventually(t, "every accepted call's bot", func() bool { return len(h.events.of(EventBotStarted, "")) == len(accepted) })
	for _, id := range accepted {
		if len(h.events.of(EventBotStarted, id)) != 1 {
			t.Fatalf("accepted call %s has no bot", id)
		}
	}
	h.quiesce()
	if n := len(h.events.of(EventFailed, "")); n != 0 {
		t.Fatalf("%d accepted calls failed: %+v", n, h.events.of(EventFailed, ""))
	}
	if got := h.metric("dialin_serve_calls_total", refusedBudget); got != float64(len(refused)) {
		t.Fatalf("calls_total{%s} = %v, want %d", refusedBudget, got, len(refused))
	}
	logs := strings.Split(h.logs.String(), "\n")
	for _, id := range refused {
		n := 0
		for _, l := range logs {
			if strings.Contains(l, `"level":"WARN"`) && strings.Contains(l, `"call_id":"`+id+`"`) {
				n++
			}
		}
		if n != 1 || len(h.events.of(EventRefused, id)) != 1 {
			t.Fatalf("refused call %s: %d log lines, %d events; want one of each", id, n, len(h.events.of(EventRefused, id)))
		}
	}
	// The bots' patches are budgeted for in the background, at the patch's priority.
	testkit.Eventually(t, "no request counted once every call's patch is budgeted for", func() bool { return h.srv.pendingRequests.Load() == 0 })
}

// The admission margin is the part of the hold kept for the bot once the call's requests are
// through (--admission-margin). With the budget 1.5 s behind on patches and a hold of 3 s, a
// call is admitted with a margin of 1 s and refused with the default 2 s.
func TestAdmissionMarginKeepsThatMuchOfTheHoldForTheBot(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		margin time.Duration
		want   int
	}{{time.Second, http.StatusOK}, {0, http.StatusServiceUnavailable}} {
		t.Run(tc.margin.String(), func(t *testing.T) {
			t.Parallel()
			cfg := &serveconfig.Config{Tokens: serveconfig.TokensREST}
			h := newHarness(t, harnessOpts{cfg: cfg, dailyLimits: true, deps: func(d *Deps) {
				d.HoldBudget, d.AdmissionMargin = 3*time.Second, tc.margin
			}})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			patchCtx := daily.WithPriority(ctx, daily.PriorityPatch)
			for range 10 + 27 { // the budget's burst of 10, then 1.5 s of it at 18 a second
				go func() { _ = h.client.Spend(patchCtx, http.MethodPost, "/dialin/pinlessCallUpdate") }()
			}
			testkit.Eventually(t, "the patches to wait for the budget", func() bool {
				return h.client.Delay(daily.PriorityCall, http.MethodPost, "/rooms", 1) > 1300*time.Millisecond
			})
			code, answer := h.post("/dialin", callBody("margin-"+tc.margin.String(), testNumber, "+15550001", nil), h.secret, "")
			if code != tc.want {
				t.Fatalf("answered %d %+v, want %d", code, answer, tc.want)
			}
		})
	}
}

// Daily delivers a refused call's webhook again: the repeat gets the same refusal, and is not
// counted as a second call.
func TestRepeatOfARefusedCallGetsTheSameAnswer(t *testing.T) {
	t.Parallel()
	cfg := &serveconfig.Config{Tokens: serveconfig.TokensREST}
	h := newHarness(t, harnessOpts{cfg: cfg, dailyLimits: true, deps: func(d *Deps) { d.HoldBudget = 3 * time.Second }})
	// Patches waiting for the budget go before any call's room: 100 of them are about 5 s of it,
	// which leaves a call no time within a hold of 3 s.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	patchCtx := daily.WithPriority(ctx, daily.PriorityPatch)
	for range 100 {
		go func() { _ = h.client.Spend(patchCtx, http.MethodPost, "/dialin/pinlessCallUpdate") }()
	}
	testkit.Eventually(t, "the patches to wait for the budget", func() bool {
		return h.client.Delay(daily.PriorityCall, http.MethodPost, "/rooms", 1) > 2*time.Second
	})
	body := callBody("refused-once", testNumber, "+15550001", nil)
	code, first := h.post("/dialin", body, h.secret, "")
	if code != http.StatusServiceUnavailable || first.Status != "refused" {
		t.Fatalf("first delivery: %d %+v, want 503 refused", code, first)
	}
	code, again := h.post("/dialin", body, h.secret, "")
	if code != http.StatusServiceUnavailable || again != first {
		t.Fatalf("repeat: %d %+v, want the first answer %+v", code, again, first)
	}
	if got := h.metric("dialin_serve_calls_total", refusedBudget); got != 1 {
		t.Fatalf("calls_total{%s} = %v, want 1", refusedBudget, got)
	}
}

// burst posts n webhooks at once (call ids prefix-00…) and sorts them by answer: 200
// accepted, or 503 refused over Daily's request budget; any other answer fails the test.
func (h *harness) burst(t *testing.T, prefix string, n int) (accepted, refused []string) {
	t.Helper()
	return h.stream(t, prefix, n, 0)
}

// stream posts n signed webhooks, one every interval (all at once for 0), and sorts the
// calls by serve's answer as burst does.
func (h *harness) stream(t *testing.T, prefix string, n int, every time.Duration) (accepted, refused []string) {
	t.Helper()
	codes := make([]int, n)
	answers := make([]reply, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			time.Sleep(time.Duration(i) * every) // pacing the load, not waiting for an outcome
			codes[i], answers[i] = h.post("/dialin", callBody(fmt.Sprintf("%s-%02d", prefix, i), testNumber, "+1555000"+fmt.Sprint(i), nil), h.secret, "")
		}()
	}
	close(start)
	wg.Wait()
	for i, code := range codes {
		id := fmt.Sprintf("%s-%02d", prefix, i)
		switch {
		case code == http.StatusOK && answers[i].Status == "accepted":
			accepted = append(accepted, id)
		case code == http.StatusServiceUnavailable && answers[i].Status == "refused" && strings.Contains(answers[i].Reason, "request budget"):
			refused = append(refused, id)
		default:
			t.Fatalf("%s answered %d %+v, want 200 accepted or 503 refused over the budget", id, code, answers[i])
		}
	}
	return accepted, refused
}
