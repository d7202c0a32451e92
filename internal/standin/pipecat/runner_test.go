package pipecat_test

import (
	"net/http/httptest"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/standin/pipecat"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func startRunner(t *testing.T, cfg pipecat.Config) (*pipecat.Runner, string) {
	t.Helper()
	r := pipecat.NewRunner(cfg)
	srv := httptest.NewServer(r.Handler())
	t.Cleanup(func() { srv.Close(); r.Close() })
	return r, srv.URL
}

// A number routed straight at the runner's /daily-dialin-webhook connects its calls, in a
// room made with Pipecat's fractional exp.
func TestDialinWebhookConnectsTheCall(t *testing.T) {
	t.Parallel()
	s := dailytest.New(t, dailytest.WithoutRateLimit())
	_, url := startRunner(t, runnerConfig(s))
	number := routeNumber(t, s, url+"/daily-dialin-webhook")
	id, err := s.PlaceCall(dailytest.CallSpec{To: number, From: "+15550001111", SIPHeaders: map[string]string{"X-Account": "42"}})
	if err != nil {
		t.Fatal(err)
	}
	rec := s.AwaitCall(t, testkit.Patience, id, "connected", "lost", "dropped")
	if rec.State != "connected" || !strings.Contains(rec.MarkNames(), "bot_started") {
		t.Fatalf("call %s: %s", rec.State, rec.MarkNames())
	}
	if exp := roomExp(t, s, rec.Room); !strings.Contains(exp, ".") {
		t.Fatalf("room exp %s: want the fractional seconds Pipecat sends", exp)
	}
	// The emulator counts a request once it has answered it; the timeline has the patch
	// before the call connects.
	if !strings.Contains(rec.MarkNames(), "updated,connected") {
		t.Fatalf("timeline %s: want the bot's patch (updated) before connected", rec.MarkNames())
	}
}

func TestDialinWebhookAnswersDailysTestAndRefusesMissingFields(t *testing.T) {
	t.Parallel()
	s := dailytest.New(t)
	_, url := startRunner(t, runnerConfig(s))
	for _, body := range []map[string]any{{"test": "test"}, {"Test": "test"}} {
		if code, m := post(t, url+"/daily-dialin-webhook", "", body); code != 200 || m["status"] != "OK" {
			t.Fatalf("%v: %d %v", body, code, m)
		}
	}
	code, m := post(t, url+"/daily-dialin-webhook", "", map[string]any{"From": "+1555", "To": "+1415"})
	if code != 400 || !strings.Contains(m["detail"].(string), "callId") {
		t.Fatalf("missing fields: %d %v", code, m)
	}
	if n := s.Count("POST", "/rooms"); n != 0 {
		t.Fatalf("%d rooms created for bodies that start nothing", n)
	}
}

// serve's /start with a DailyDialinRequest body: the bot patches with the body's key and URL.
func TestStartWithDialinRequestConnects(t *testing.T) {
	t.Parallel()
	s, call := holdingCall(t)
	r, url := startRunner(t, pipecat.Config{DailyAPIURL: s.URL, DailyAPIKey: s.APIKey, TalkTime: time.Minute})
	code, ans := post(t, url+"/start", "", startBody(s, call, nil))
	if code != 200 || ans["dailyToken"] == "" || ans["sessionId"] == "" {
		t.Fatalf("/start: %d %v", code, ans)
	}
	rec := s.AwaitCall(t, testkit.Patience, call.ID, "connected", "lost", "dropped")
	room := path.Base(ans["dailyRoom"].(string))
	if rec.State != "connected" || rec.Room != room {
		t.Fatalf("call %s in %q, want connected in %s: %s", rec.State, rec.Room, room, rec.MarkNames())
	}
	if exp := roomExp(t, s, room); !strings.Contains(exp, ".") {
		t.Fatalf("room exp %s: want fractional seconds", exp)
	}
	sess, ok := r.Session(ans["sessionId"].(string))
	if !ok || sess.DialinSkipped != "" {
		t.Fatalf("session %v: skipped %q", ok, sess.DialinSkipped)
	}
	// The caller hangs up: the bot sees the call end and leaves.
	if _, err := s.Hangup(call.ID); err != nil {
		t.Fatal(err)
	}
	waitDone(t, sess)
	if err := sess.Err(); err != nil {
		t.Fatal(err)
	}
}

// As in Pipecat, a body that is not a DailyDialinRequest (no daily_api_key) is skipped: the
// bot joins the room and never patches; the caller stays on hold.
func TestStartWithoutDailyAPIKeyNeverPatches(t *testing.T) {
	t.Parallel()
	s, call := holdingCall(t)
	r, url := startRunner(t, pipecat.Config{DailyAPIURL: s.URL, DailyAPIKey: s.APIKey, TalkTime: 300 * time.Millisecond})
	code, ans := post(t, url+"/start", "", startBody(s, call, func(b map[string]any) { delete(b, "daily_api_key") }))
	if code != 200 {
		t.Fatalf("/start: %d %v", code, ans)
	}
	sess, ok := r.Session(ans["sessionId"].(string))
	if !ok || !strings.Contains(sess.DialinSkipped, "daily_api_key: field required") {
		t.Fatalf("session %v, skipped %q", ok, sess.DialinSkipped)
	}
	// The bot joined, saw its endpoint ready, stayed its talk time and left: it had every
	// chance to patch.
	waitDone(t, sess)
	if err := sess.Err(); err != nil {
		t.Fatal(err)
	}
	if n := s.Count("POST", "/dialin/pinlessCallUpdate"); n != 0 {
		t.Fatalf("%d pinlessCallUpdate from a bot without daily_api_key", n)
	}
	if rec, _ := s.Call(call.ID); rec.State != "held" {
		t.Fatalf("call %s, want still held: %s", rec.State, rec.MarkNames())
	}
}

func TestStartRefusesWhatTheStandInCannotDo(t *testing.T) {
	t.Parallel()
	s := dailytest.New(t)
	_, url := startRunner(t, runnerConfig(s))
	for body, want := range map[string]map[string]any{
		"createDailyRoom": {"body": map[string]any{}},
		"transport":       {"transport": "webrtc", "createDailyRoom": true},
	} {
		code, m := post(t, url+"/start", "", want)
		if code != 400 || !strings.HasPrefix(m["detail"].(string), body) {
			t.Errorf("%s: %d %v", body, code, m)
		}
	}
}

// Pipecat's transport posts pinlessCallUpdate once on on_dialin_ready: a 429 there is logged
// and the caller stays on hold, so the stand-in's bot makes one attempt too (a bench of
// serve in front of the runner must not pass thanks to retries Pipecat does not make).
func TestStartBotPatchesOnceAsPipecatDoes(t *testing.T) {
	t.Parallel()
	s, call := holdingCall(t)
	r, url := startRunner(t, pipecat.Config{DailyAPIURL: s.URL, DailyAPIKey: s.APIKey, TalkTime: time.Minute})
	s.FailNext(429, 1, dailytest.OnRequest("POST", "/dialin/pinlessCallUpdate"), dailytest.RetryAfter(time.Second))
	code, ans := post(t, url+"/start", "", startBody(s, call, nil))
	if code != 200 {
		t.Fatalf("/start: %d %v", code, ans)
	}
	sess, ok := r.Session(ans["sessionId"].(string))
	if !ok {
		t.Fatal("no session")
	}
	waitDone(t, sess)
	if err := sess.Err(); err == nil || !strings.Contains(err.Error(), "429") {
		t.Fatalf("bot ended with %v, want the 429 of its one patch", err)
	}
	if n := s.Count("POST", "/dialin/pinlessCallUpdate"); n != 1 {
		t.Fatalf("%d patches, want one attempt", n)
	}
	if rec, _ := s.Call(call.ID); rec.State == "connected" {
		t.Fatalf("call %s after a failed patch", rec.State)
	}
}
