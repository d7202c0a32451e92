package serve

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testbot"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// roomsAndTokens targets Daily's room and token requests (not the bot's join and patch).
func roomsAndTokens(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/v1/rooms") || strings.HasPrefix(r.URL.Path, "/v1/meeting-tokens")
}

// newFaultyHarness is the harness with serve's Daily client behind a faultProxy.
func newFaultyHarness(t *testing.T, o harnessOpts) (*harness, *faultProxy) {
	var p *faultProxy
	more := o.deps
	o.deps = func(d *Deps) {
		if more != nil {
			more(d)
		}
		p = newFaultProxy(t, d.Client.BaseURL(), roomsAndTokens)
		d.Client = daily.New(d.APIKey, daily.WithBaseURL(p.URL()), daily.WithoutRateLimit(), daily.WithObserver(d.Metrics.ObserveDaily))
	}
	return newHarness(t, o), p
}

// With 20 % of Daily's answers to room and token requests 503 and 20 % lost (the request
// applied, the answer never arriving), every call is connected, in one room of its own.
func TestCallsConnectUnderDailyFaults(t *testing.T) {
	const calls = 20
	h, proxy := newFaultyHarness(t, harnessOpts{events: true, botEnv: []string{testbot.EnvJoin + "=1", testbot.EnvSleep + "=30s"}})
	proxy.faults(0.2, 0.2)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ids := make([]string, calls)
	for i := range ids {
		id, err := h.emu.PlaceCall(dailytest.CallSpec{To: testNumber, From: fmt.Sprintf("+1555000%04d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := h.emu.WaitCall(ctx, id, "connected", "lost", "dropped", "ended")
			if err != nil || rec.State != "connected" {
				t.Errorf("call %s: %s %v %+v", id, rec.State, err, rec.Timeline)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if proxy.count("503") == 0 || proxy.count("lost") == 0 {
		t.Fatalf("the proxy injected %d 503s and %d lost answers; the test proves nothing", proxy.count("503"), proxy.count("lost"))
	}
	// One room per call, named after it; no second room for a create whose answer was lost.
	rooms, err := daily.Collect(h.client.Rooms(context.Background(), daily.RoomQuery{}))
	if err != nil {
		t.Fatal(err)
	}
	var names, want []string
	for _, r := range rooms {
		names = append(names, r.Name)
	}
	for _, id := range ids {
		rec, _ := h.emu.Call(id)
		want = append(want, RoomName(rec.Domain, id))
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("rooms %v\nwant one per call %v", names, want)
	}
	if n := h.metric("dialin_serve_calls_total", "bot_started"); n != calls {
		t.Fatalf("%v bots started, want %d", n, calls)
	}
	t.Logf("injected: %d 503s, %d lost answers", proxy.count("503"), proxy.count("lost"))
}

// A call that fails after its room was asked for leaves no room behind: the room is deleted
// when the token is refused, and when every answer to the create was lost (the room made,
// serve never told) until the caller's hold budget ran out.
func TestFailedCallsLeaveNoRoom(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, outcome string
		always        func(*http.Request) string
	}{
		{"token refused", "failed_token", func(r *http.Request) string {
			if strings.HasPrefix(r.URL.Path, "/v1/meeting-tokens") {
				return "refuse"
			}
			return ""
		}},
		{"every create answer lost", "failed_room", func(r *http.Request) string {
			if r.Method == http.MethodPost && r.URL.Path == "/v1/rooms" {
				return "lost"
			}
			return ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// REST tokens, so that Daily can refuse the call's token.
			h, proxy := newFaultyHarness(t, harnessOpts{cfg: &serveconfig.Config{Tokens: serveconfig.TokensREST}, deps: func(d *Deps) { d.HoldBudget = time.Second }})
			proxy.decideAlways(tc.always)
			id := "call-fails-" + strings.ReplaceAll(tc.name, " ", "-")
			if code, r := h.post("/dialin", callBody(id, testNumber, "+15550001111", nil), h.secret, ""); code != 200 || r.Status != "accepted" {
				t.Fatalf("%d %+v", code, r)
			}
			h.waitEvent(EventFailed, id)
			testkit.Eventually(t, "the failed call's room deleted", func() bool {
				return h.metric("dialin_serve_failed_call_rooms_deleted_total", "deleted") == 1
			})
			rooms, err := daily.Collect(h.client.Rooms(context.Background(), daily.RoomQuery{}))
			if err != nil || len(rooms) != 0 {
				t.Fatalf("%d rooms left behind (%v)", len(rooms), err)
			}
			if h.metric("dialin_serve_calls_total", tc.outcome) != 1 {
				t.Fatalf("outcome %s not counted", tc.outcome)
			}
			if tc.outcome == "failed_room" && proxy.count("lost") < 2 {
				t.Fatalf("the create was tried %d times; want it retried", proxy.count("lost"))
			}
		})
	}
}
