package serve

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/standin/pipecat"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

const testCloudKey = "pk_serve_test_secret"

// standins are the Pipecat stand-ins in front of the harness's emulator, made in the deps
// hook (the first moment the emulator's URL is known) so a rule can point at them.
type standins struct {
	runnerURL, cloudAPI string
	cloud               *pipecat.Cloud
	starts              atomic.Int64 // requests that reached the Cloud stand-in
}

func (p *standins) deps(t *testing.T, maxSessions int, then func(*Deps)) func(*Deps) {
	return func(d *Deps) {
		cfg := pipecat.Config{DailyAPIURL: d.Client.BaseURL(), DailyAPIKey: d.APIKey, Dialin: true}
		r := pipecat.NewRunner(cfg)
		rs := httptest.NewServer(r.Handler())
		p.cloud = pipecat.NewCloud(pipecat.CloudConfig{Config: cfg, APIKey: testCloudKey, MaxSessions: maxSessions})
		ch := p.cloud.Handler()
		cs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			p.starts.Add(1)
			ch.ServeHTTP(w, req)
		}))
		t.Cleanup(func() { rs.Close(); cs.Close(); r.Close(); p.cloud.Close() })
		p.runnerURL, p.cloudAPI = rs.URL, cs.URL+"/v1"
		d.PipecatCloudKey, d.PipecatCloudAPI = testCloudKey, p.cloudAPI
		if then != nil {
			then(d)
		}
	}
}

func (h *harness) place(to string) string {
	h.t.Helper()
	id, err := h.emu.PlaceCall(dailytest.CallSpec{To: to, From: "+15550001111"})
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

func (h *harness) waitState(id string, states ...string) dailytest.CallRecord {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rec, err := h.emu.WaitCall(ctx, id, states...)
	if err != nil {
		h.t.Fatal(err)
	}
	return rec
}

func (h *harness) stored(id string) callstore.Record {
	h.t.Helper()
	rec, ok, err := h.srv.store.Get(context.Background(), id)
	if err != nil || !ok {
		h.t.Fatalf("no record of %s: %v", id, err)
	}
	return rec
}

// serve's pipecat kind: Pipecat's /start body to the runner stand-in, whose bot patches;
// serve records the room and session, never the token, and dialin.stopped frees the slot.
func TestPipecatRunnerBotConnects(t *testing.T) {
	t.Parallel()
	var p standins
	cfg := &serveconfig.Config{Default: &rules.Rule{Bot: rules.Bot{Pipecat: &rules.Pipecat{URL: "http://127.0.0.1:1/start"}}}}
	h := newHarness(t, harnessOpts{cfg: cfg, events: true, deps: p.deps(t, 1, func(*Deps) {
		cfg.Default.Bot.Pipecat.URL = p.runnerURL + "/start"
	})})
	id := h.place(testNumber)
	rec := h.waitState(id, "connected", "lost", "dropped")
	if rec.State != "connected" {
		t.Fatalf("call %s: %v", rec.State, h.events.kinds(id))
	}
	testkit.Eventually(t, "serve sees the call connected", func() bool { return len(h.events.of(EventConnected, id)) == 1 })
	stored := h.stored(id)
	if stored.Room != rec.Room || stored.SessionID == "" || stored.State != callstore.Connected {
		t.Fatalf("record %+v, call in %s", stored, rec.Room)
	}
	if _, err := h.emu.Hangup(id); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "dialin.stopped ends the call", func() bool { return len(h.events.of(EventEnded, id)) == 1 })
	if n := h.emu.Count("POST", "/dialin/pinlessCallUpdate"); n != 1 {
		t.Fatalf("%d patches, want the bot's 1 (serve never patches a pipecat call)", n)
	}
}

// Two numbers, two kinds: one to Pipecat Cloud's /start, one forwarded to the runner's own
// /daily-dialin-webhook with Daily's signature headers.
func TestRulesSendTwoNumbersToCloudAndForward(t *testing.T) {
	t.Parallel()
	const other = "+14155550111"
	var p standins
	cfg := &serveconfig.Config{Rules: []rules.Rule{
		{Name: "cloud", Match: rules.Matcher{To: []string{testNumber}}, Bot: rules.Bot{Pipecat: &rules.Pipecat{Agent: "my-agent"}}},
		{Name: "forward", Match: rules.Matcher{To: []string{other}}, Bot: rules.Bot{Forward: "http://127.0.0.1:1/x"}},
	}}
	h := newHarness(t, harnessOpts{cfg: cfg, events: true, deps: p.deps(t, 5, func(*Deps) {
		cfg.Rules[1].Bot.Forward = p.runnerURL + "/daily-dialin-webhook"
	})})
	h.emu.SeedPurchased(other, time.Now().Add(-30*24*time.Hour))
	entries := []daily.PinlessDialinEntry{{PhoneNumber: testNumber, RoomCreationAPI: h.hs.URL + "/dialin", HMAC: h.secret},
		{PhoneNumber: other, RoomCreationAPI: h.hs.URL + "/dialin", HMAC: h.secret}}
	if _, err := h.client.SetPinlessDialin(context.Background(), entries); err != nil {
		t.Fatal(err)
	}
	toCloud, forwarded := h.place(testNumber), h.place(other)
	for _, id := range []string{toCloud, forwarded} {
		if rec := h.waitState(id, "connected", "lost", "dropped"); rec.State != "connected" {
			t.Fatalf("call %s: %s %v", id, rec.State, h.events.kinds(id))
		}
	}
	if p.starts.Load() != 1 || h.stored(toCloud).Rule != "cloud" || h.stored(forwarded).Rule != "forward" {
		t.Fatalf("%d Cloud starts; rules %s, %s", p.starts.Load(), h.stored(toCloud).Rule, h.stored(forwarded).Rule)
	}
	if logs := h.logs.String(); strings.Contains(logs, testCloudKey) || strings.Contains(logs, h.emu.APIKey) {
		t.Fatal("a key is in serve's logs")
	}
}

// Pipecat Cloud full: the second call waits on 429s, and connects once the first call ends
// and frees its session; a third, with nobody hanging up, is refused at the queue timeout.
func TestPipecatCloudFullPoolQueuesThenConnectsOrRefuses(t *testing.T) {
	t.Parallel()
	var p standins
	cfg := &serveconfig.Config{Caps: serveconfig.Caps{QueueTimeout: 5 * time.Second}, // room for a slow release on a loaded machine
		Default: &rules.Rule{Bot: rules.Bot{Pipecat: &rules.Pipecat{Agent: "my-agent"}}}}
	h := newHarness(t, harnessOpts{cfg: cfg, events: true, deps: p.deps(t, 1, nil)})
	first := h.place(testNumber)
	h.waitState(first, "connected")
	second := h.place(testNumber)
	testkit.Eventually(t, "the second start is refused with 429 at least once", func() bool { return p.starts.Load() >= 3 })
	if _, err := h.emu.Hangup(first); err != nil {
		t.Fatal(err)
	}
	if rec := h.waitState(second, "connected", "lost", "dropped"); rec.State != "connected" {
		t.Fatalf("second call %s: %v", rec.State, h.events.kinds(second))
	}
	third := h.place(testNumber)
	testkit.Eventually(t, "the third call is refused", func() bool { return len(h.events.of(EventRefused, third)) == 1 })
	if r := h.events.of(EventRefused, third)[0].Reason; !strings.Contains(r, "pool stayed full (HTTP 429)") {
		t.Fatalf("refused because %q", r)
	}
}

// A bad Pipecat Cloud key fails the call with one clear error and one request, no retries.
func TestPipecatCloudBadKeyFailsOnce(t *testing.T) {
	t.Parallel()
	var p standins
	cfg := &serveconfig.Config{Default: &rules.Rule{Bot: rules.Bot{Pipecat: &rules.Pipecat{Agent: "my-agent"}}}}
	h := newHarness(t, harnessOpts{cfg: cfg, deps: p.deps(t, 1, func(d *Deps) { d.PipecatCloudKey = "pk_wrong_secret" })})
	id := h.place(testNumber)
	testkit.Eventually(t, "the call fails", func() bool { return len(h.events.of(EventFailed, id)) == 1 })
	reason := h.events.of(EventFailed, id)[0].Reason
	if !strings.Contains(reason, "Pipecat Cloud refused the API key (HTTP 401)") || p.starts.Load() != 1 {
		t.Fatalf("failed because %q after %d requests", reason, p.starts.Load())
	}
	if strings.Contains(h.logs.String()+reason, "pk_wrong_secret") {
		t.Fatal("the Cloud key is in the logs")
	}
}

// /start is not idempotent: a runner's 500 and an answer lost after the request arrived
// fail the call after exactly one request.
func TestPipecatUpstreamFailuresAreNotRetried(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]http.HandlerFunc{
		"the Pipecat runner answered HTTP 500": func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) },
		"no answer from the Pipecat runner": func(w http.ResponseWriter, r *http.Request) {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
		},
	} {
		var requests atomic.Int64
		upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1); h(w, r) }))
		t.Cleanup(upstream.Close)
		cfg := &serveconfig.Config{Default: &rules.Rule{Bot: rules.Bot{Pipecat: &rules.Pipecat{URL: upstream.URL + "/start"}}}}
		hs := newHarness(t, harnessOpts{cfg: cfg})
		id := hs.place(testNumber)
		testkit.Eventually(t, "the call fails", func() bool { return len(hs.events.of(EventFailed, id)) == 1 })
		if reason := hs.events.of(EventFailed, id)[0].Reason; !strings.Contains(reason, name) || requests.Load() != 1 {
			t.Errorf("failed because %q after %d requests; want %q after 1", reason, requests.Load(), name)
		}
	}
}

// A Pipecat runner given serve's key makes its room and token, and its bot the patch, on
// serve's domain budget: admission counts them, so a burst over what the budget carries
// within the hold is refused in the webhook's answer (Daily plays the timeout message)
// rather than accepted and then failed by the runner meeting Daily's 429; every call that is
// accepted gets its bot, and the runner's requests are spent from serve's budget first.
func TestPipecatRunnerBurstOverBudgetIsRefusedNotLost(t *testing.T) {
	t.Parallel()
	const calls = 30
	const hold = 3 * time.Second
	var p standins
	cfg := &serveconfig.Config{Default: &rules.Rule{Bot: rules.Bot{Pipecat: &rules.Pipecat{URL: "http://127.0.0.1:1/start"}}}}
	h := newHarness(t, harnessOpts{cfg: cfg, dailyLimits: true, deps: p.deps(t, 1, func(d *Deps) {
		cfg.Default.Bot.Pipecat.URL = p.runnerURL + "/start"
		d.HoldBudget = hold
	})})
	accepted, refused := h.burst(t, "runner", calls)
	t.Logf("%d accepted, %d refused", len(accepted), len(refused))
	if len(accepted) < 3 || len(refused) < 5 {
		t.Fatalf("%d accepted, %d refused: the burst should fill the budget and overflow it", len(accepted), len(refused))
	}
	testkit.Eventually(t, "every accepted call handed to the runner", func() bool {
		return len(h.events.of(EventBotStarted, "")) == len(accepted)
	})
	if n := len(h.events.of(EventFailed, "")); n != 0 {
		t.Fatalf("%d accepted calls failed: %+v", n, h.events.of(EventFailed, ""))
	}
	testkit.Eventually(t, "no request counted once the runner's are spent", func() bool { return h.srv.pendingRequests.Load() == 0 })
}

// Calls arriving faster than Daily's budget, over seconds: serve spends each call's two runner
// requests together (the call's place in the budget's queue is its arrival), so the runner's
// room and token follow their spends and fit Daily's window. When a call's second spend waited
// behind every call queued since its first, the runner's requests of many calls went out at
// once, past Daily's window, and those calls failed after serve had accepted them.
func TestPipecatRunnerStreamOverBudgetLosesNoAcceptedCall(t *testing.T) {
	t.Parallel()
	const calls = 60
	var p standins
	cfg := &serveconfig.Config{Default: &rules.Rule{Bot: rules.Bot{Pipecat: &rules.Pipecat{URL: "http://127.0.0.1:1/start"}}},
		Caps: serveconfig.Caps{Global: calls}} // these calls never end: each keeps its slot
	h := newHarness(t, harnessOpts{cfg: cfg, dailyLimits: true, deps: p.deps(t, 1, func(d *Deps) {
		cfg.Default.Bot.Pipecat.URL = p.runnerURL + "/start"
		d.HoldBudget = 12 * time.Second
	})})
	accepted, refused := h.stream(t, "stream", calls, 40*time.Millisecond) // 25 calls/s for 2.4 s
	t.Logf("%d accepted, %d refused", len(accepted), len(refused))
	testkit.Eventually(t, "every accepted call handed to the runner or failed", func() bool {
		return len(h.events.of(EventBotStarted, ""))+len(h.events.of(EventFailed, "")) == len(accepted)
	})
	if n := len(h.events.of(EventFailed, "")); n != 0 {
		t.Fatalf("%d of %d accepted calls failed: %+v", n, len(accepted), h.events.of(EventFailed, "")[0])
	}
}
