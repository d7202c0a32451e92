package serve

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
)

// Every bad request gets a 4xx with a short reason and starts nothing: no room, no bot.
func TestBadRequestsStartNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.emu.ResetRequests()
	body := callBody("call-bad", testNumber, "+15550001111", nil)
	old := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
	oldMs := strconv.FormatInt(time.Now().Add(-10*time.Minute).UnixMilli(), 10)
	otherSecret := newSecret(t, "attacker")
	cases := []struct {
		name   string
		body   []byte
		secret string
		ts     string
		status int
		reason string
	}{
		{"bad signature", body, otherSecret, "", 401, "signature does not match"},
		{"missing headers", body, "", "", 401, "signature or timestamp header missing"},
		{"old timestamp", body, h.secret, old, 401, "timestamp outside the accepted window"},
		{"old timestamp in ms", body, h.secret, oldMs, 401, "timestamp outside the accepted window"},
		{"future timestamp", body, h.secret, strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10), 401, "outside the accepted window"},
		{"bad timestamp", body, h.secret, "yesterday", 401, "timestamp is not a number"},
		{"oversized body", append(body[:len(body)-1], []byte(`,"pad":"`+strings.Repeat("x", 70_000)+`"}`)...), h.secret, "", 413, "body larger than 65536 bytes"},
		{"not JSON", []byte(`{"callId": "x",`), h.secret, "", 400, "body is not a JSON object"},
		{"two objects", []byte(`{"callId":"a","callDomain":"b"}{}`), h.secret, "", 400, "trailing data"},
		{"bad callId", []byte(`{"callId":"a;rm","callDomain":"b","To":"+1"}`), h.secret, "", 400, "field callId: only letters"},
		{"missing callDomain", []byte(`{"callId":"a","To":"+1"}`), h.secret, "", 400, "field callDomain: required"},
		{"From not a string", []byte(`{"callId":"a","callDomain":"b","From":5}`), h.secret, "", 400, "field From: must be a string"},
	}
	for _, c := range cases {
		code, r := h.post("/dialin", c.body, c.secret, c.ts)
		if code != c.status || r.Status != "rejected" || !strings.Contains(r.Reason, c.reason) {
			t.Errorf("%s: %d %+v, want %d %q", c.name, code, r, c.status, c.reason)
		}
	}
	// A body signed correctly, then changed, fails; so does the signature of another timestamp.
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest("POST", h.hs.URL+"/dialin", bytes.NewReader(body))
	req.Header.Set("X-Pinless-Timestamp", ts)
	req.Header.Set("X-Pinless-Signature", "AAAA"+strings.Repeat("B", 40))
	if code, _ := h.do(req); code != 401 {
		t.Errorf("forged signature: %d", code)
	}
	if code, r := h.do(mustReq(t, "GET", h.hs.URL+"/dialin")); code != 405 || r.Reason != "use POST" {
		t.Errorf("GET: %d %+v", code, r)
	}

	if n := h.emu.Count("POST", "/rooms"); n != 0 {
		t.Fatalf("%d rooms created by bad requests", n)
	}
	if n := len(h.records()); n != 0 {
		t.Fatalf("%d bots started by bad requests", n)
	}
	if len(h.events.of(EventReceived, "")) != 0 {
		t.Fatal("a bad request was received as a call")
	}
	if h.metric("dialin_serve_webhooks_rejected_total", "bad_signature") != 2 || h.metric("dialin_serve_webhooks_rejected_total", "missing_headers") != 1 ||
		h.metric("dialin_serve_webhooks_rejected_total", "stale_timestamp") != 3 || h.metric("dialin_serve_webhooks_rejected_total", "body_too_large") != 1 ||
		h.metric("dialin_serve_webhooks_rejected_total", "bad_body") != 5 {
		t.Fatal("rejections not counted by reason")
	}
	// an unknown signature made serve re-read the secrets once, not once per request
	// an unknown signature makes serve re-read the secrets at most once a minute
	if n := h.emu.Count("GET", "/"); n > 1 {
		t.Fatalf("GET / %d times after bad signatures, want at most 1", n)
	}
	if strings.Contains(h.logs.String(), "call-bad") {
		t.Fatal("an unverified body reached the logs")
	}
}

func mustReq(t *testing.T, method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// Daily's verification bodies get 200 and start nothing, signed or not.
func TestTestBodies(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.emu.ResetRequests()
	for _, b := range []string{`{"Test":"test"}`, `{"test":"test"}`, `{"To":"+14155550100"}`, `{"Test":"test","To":"+14155550100"}`} {
		for _, secret := range []string{h.secret, ""} {
			code, r := h.post("/dialin", []byte(b), secret, "")
			if code != 200 || r.Status != "test" {
				t.Errorf("%s (signed %v): %d %+v", b, secret != "", code, r)
			}
		}
	}
	if h.emu.Count("POST", "/rooms") != 0 || len(h.records()) != 0 || h.metric("dialin_serve_webhooks_test_total") != 9 {
		t.Fatal("a test body started something or was not counted")
	}
}

// A repeated delivery — the same body again, the same body replayed with the same signature,
// or the same callId signed anew — gets the first answer and starts nothing more.
func TestDuplicateDeliveriesStartOneBot(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	body := callBody("call-dup", testNumber, "+15550001111", nil)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	var wg sync.WaitGroup
	answers := make(chan reply, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stamp := ts // half are replays of one signed request, half signed anew
			if i%2 == 1 {
				stamp = strconv.FormatInt(time.Now().UnixMilli(), 10)
			}
			code, r := h.post("/dialin", body, h.secret, stamp)
			if code != 200 {
				t.Errorf("delivery %d: %d %+v", i, code, r)
			}
			answers <- r
		}()
	}
	wg.Wait()
	close(answers)
	for r := range answers {
		if r != (reply{Status: "accepted", CallID: "call-dup", Rule: "default"}) {
			t.Fatalf("answer %+v differs from the first", r)
		}
	}
	h.waitEvent(EventBotStarted, "call-dup")
	testkit.Eventually(t, "the bot's record", func() bool { return len(h.records()) == 1 })
	if n := h.emu.Count("POST", "/rooms"); n != 1 {
		t.Fatalf("%d rooms for one call", n)
	}
	if len(h.events.of(EventReceived, "call-dup")) != 1 || len(h.events.of(EventDuplicate, "call-dup")) != 19 {
		t.Fatalf("received %d, duplicates %d", len(h.events.of(EventReceived, "call-dup")), len(h.events.of(EventDuplicate, "call-dup")))
	}
	if h.metric("dialin_serve_webhooks_duplicate_total", "replay")+h.metric("dialin_serve_webhooks_duplicate_total", "callid") != 19 ||
		h.metric("dialin_serve_webhooks_duplicate_total", "replay") < 9 {
		t.Fatal("duplicates not counted")
	}
	h.quiesce() // whatever the 20 deliveries were going to start has started now
	if n := len(h.events.of(EventBotStarted, "call-dup")); n != 1 {
		t.Fatalf("%d bots for one call", n)
	}
	if n := len(h.records()); n != 1 {
		t.Fatalf("%d bots for one call", n)
	}
}

// With no rule matching and no default, the call is refused in the first answer.
func TestNoRuleRefuses(t *testing.T) {
	t.Parallel()
	cfgRules := harnessOpts{}
	h := newHarness(t, cfgRules)
	h.srv.cfg.Default = nil // the configuration has only rules that do not match
	code, r := h.post("/dialin", callBody("call-x", testNumber, "+1", nil), h.secret, "")
	if code != 200 || r.Status != "refused" || r.Reason != "no rule matches this call" {
		t.Fatalf("%d %+v", code, r)
	}
	if h.emu.Count("POST", "/rooms") != 0 || h.metric("dialin_serve_calls_total", "refused_no_rule") != 1 {
		t.Fatal("refused call made a room or was not counted")
	}
	if e := h.waitEvent(EventRefused, "call-x"); !strings.Contains(e.Reason, "no rules and no default") {
		t.Fatalf("refused event reason %q", e.Reason)
	}
	// a repeat gets the same refusal
	if _, r2 := h.post("/dialin", callBody("call-x", testNumber, "+1", nil), h.secret, ""); r2 != r {
		t.Fatalf("repeat answer %+v", r2)
	}
}
