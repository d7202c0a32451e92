package pipecat_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/standin/pipecat"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

const cloudKey = "pk_test_standin"

func startCloud(t *testing.T, s *dailytest.Server, mutate func(*pipecat.CloudConfig)) (*pipecat.Cloud, string) {
	t.Helper()
	cfg := pipecat.CloudConfig{Config: pipecat.Config{DailyAPIURL: s.URL, DailyAPIKey: s.APIKey, TalkTime: time.Minute},
		APIKey: cloudKey, Agents: []string{"my-agent"}}
	if mutate != nil {
		mutate(&cfg)
	}
	c := pipecat.NewCloud(cfg)
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(func() { srv.Close(); c.Close() })
	return c, srv.URL + "/v1"
}

func TestCloudRefusesABadKeyAndAnUnknownAgent(t *testing.T) {
	t.Parallel()
	s := dailytest.New(t)
	c, api := startCloud(t, s, nil)
	for _, key := range []string{"", "pk_wrong", "Bearer " + cloudKey} {
		code, m := post(t, api+"/public/my-agent/start", key, map[string]any{"createDailyRoom": true})
		if code != 401 || strings.Contains(m["error"].(string), cloudKey) {
			t.Fatalf("key %q: %d %v", key, code, m)
		}
	}
	if code, _ := post(t, api+"/public/other/start", cloudKey, map[string]any{"createDailyRoom": true}); code != 404 {
		t.Fatalf("unknown agent: %d", code)
	}
	if c.Starts() != 0 || s.Count("POST", "/rooms") != 0 {
		t.Fatalf("%d starts, %d rooms after refused requests", c.Starts(), s.Count("POST", "/rooms"))
	}
}

// A pool of one: the second start is 429 while the first call lasts, and the place is
// free again once the caller hangs up and the bot leaves.
func TestCloudPoolIsFullUntilTheCallEnds(t *testing.T) {
	t.Parallel()
	s, call := holdingCall(t)
	c, api := startCloud(t, s, func(cfg *pipecat.CloudConfig) { cfg.MaxSessions = 1 })
	code, ans := post(t, api+"/public/my-agent/start", cloudKey, startBody(s, call, nil))
	if code != 200 {
		t.Fatalf("first start: %d %v", code, ans)
	}
	if rec := s.AwaitCall(t, testkit.Patience, call.ID, "connected", "lost", "dropped"); rec.State != "connected" {
		t.Fatalf("call %s: %s", rec.State, rec.MarkNames())
	}
	code, m := post(t, api+"/public/my-agent/start", cloudKey, startBody(s, call, nil))
	if code != 429 || c.Active("my-agent") != 1 {
		t.Fatalf("second start with a full pool: %d %v (active %d)", code, m, c.Active("my-agent"))
	}
	if _, err := s.Hangup(call.ID); err != nil {
		t.Fatal(err)
	}
	sess, _ := c.Session(ans["sessionId"].(string))
	waitDone(t, sess)
	if n := c.Active("my-agent"); n != 0 {
		t.Fatalf("%d active after the bot left", n)
	}
	if code, m := post(t, api+"/public/my-agent/start", cloudKey, map[string]any{"createDailyRoom": true}); code != 200 {
		t.Fatalf("start after the call ended: %d %v", code, m)
	}
}

func TestCloudColdStartDelaysTheAnswer(t *testing.T) {
	t.Parallel()
	s := dailytest.New(t)
	const cold = 300 * time.Millisecond
	c, api := startCloud(t, s, func(cfg *pipecat.CloudConfig) { cfg.ColdStart = cold })
	begin := time.Now()
	code, ans := post(t, api+"/public/my-agent/start", cloudKey, map[string]any{"createDailyRoom": true})
	if took := time.Since(begin); code != 200 || took < cold {
		t.Fatalf("start: %d %v after %s, want 200 after at least %s", code, ans, took, cold)
	}
	if c.Starts() != 1 {
		t.Fatalf("%d starts", c.Starts())
	}
}

// Pipecat Cloud's hosted dial-in webhook, as a number's room_creation_api, connects calls.
func TestCloudHostedDialinWebhookConnects(t *testing.T) {
	t.Parallel()
	s := dailytest.New(t, dailytest.WithoutRateLimit())
	_, api := startCloud(t, s, nil)
	number := routeNumber(t, s, api+"/public/webhooks/my-org/my-agent/dialin")
	id, err := s.PlaceCall(dailytest.CallSpec{To: number, From: "+15550002222"})
	if err != nil {
		t.Fatal(err)
	}
	if rec := s.AwaitCall(t, testkit.Patience, id, "connected", "lost", "dropped"); rec.State != "connected" {
		t.Fatalf("call %s: %s", rec.State, rec.MarkNames())
	}
}

// Daily's verification body gets its 200 from the hosted webhook even when the pool is full.
func TestCloudHostedWebhookAnswersDailysTestWhenFull(t *testing.T) {
	t.Parallel()
	s := dailytest.New(t)
	c, api := startCloud(t, s, func(cfg *pipecat.CloudConfig) { cfg.MaxSessions = 1 })
	// A SIP room: the bot (no dial-in body) waits for its endpoint and stays its talk time.
	occupy := map[string]any{"createDailyRoom": true, "dailyRoomProperties": map[string]any{"sip": map[string]any{"display_name": "x", "sip_mode": "dial-in"}}}
	if code, m := post(t, api+"/public/my-agent/start", cloudKey, occupy); code != 200 || c.Active("my-agent") != 1 {
		t.Fatalf("start: %d %v", code, m)
	}
	hook := api + "/public/webhooks/my-org/my-agent/dialin"
	if code, m := post(t, hook, "", map[string]any{"Test": "test"}); code != 200 || m["status"] != "OK" {
		t.Fatalf("test body with a full pool: %d %v", code, m)
	}
	call := map[string]any{"From": "+1555", "To": "+1415", "callId": "c", "callDomain": "d"}
	if code, _ := post(t, hook, "", call); code != 429 {
		t.Fatalf("a call with a full pool: %d, want 429", code)
	}
}
