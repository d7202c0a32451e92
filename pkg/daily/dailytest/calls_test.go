package dailytest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
)

func TestPinlessCallUpdateErrors(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	full := map[string]any{"callId": "a7bf8461-7d33-4083-9677-5cfdb4f337a5", "callDomain": "9c975848-a067-4de0-bf47-1b4179ceba4e", "sipUri": "sip:room.0@x"}
	for _, k := range []string{"callId", "callDomain", "sipUri"} {
		body := map[string]any{}
		for kk, v := range full {
			if kk != k {
				body[kk] = v
			}
		}
		wantError(t, api(t, s, "POST", "/dialin/pinlessCallUpdate", body), 400, "invalid-request-error", "Missing fields")
	}
	wantError(t, api(t, s, "POST", "/dialin/pinlessCallUpdate", full), 404, "not-found", "Call Forwarding Failed")
}

// heldCallWithRoom places a call (the webhook goes to a receiver that just answers) and
// prepares a SIP room with a participant; the endpoints are not ready yet.
func heldCallWithRoom(t *testing.T, s *Server) (callID string, endpoints []string) {
	t.Helper()
	serve, _ := webhookReceiver(t, http.StatusOK)
	num := routeTo(t, s, serve.URL+"/dialin")
	callID = place(t, s, CallSpec{To: num, From: "+15550001111"})
	sipRoom(t, s, "call-room", 1)
	_, endpoints = joinRoom(t, s, "call-room", roomToken(t, s, "call-room"))
	return callID, endpoints
}

func TestTooEarlyUpdateDropsTheCall(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	id, eps := heldCallWithRoom(t, s)
	if len(eps) != 1 || !strings.HasPrefix(eps[0], "sip:call-room.0@") {
		t.Fatalf("endpoints %v", eps)
	}
	// The manual clock has not moved the ready delay: the endpoint exists but is not ready.
	wantError(t, update(t, s, id, s.DomainID(), eps[0]), 404, "not-found", "Call Forwarding Failed")
	rec := wantState(t, s, id, CallDropped)
	if m := rec.Timeline[len(rec.Timeline)-1]; m.Name != "dropped" || !strings.Contains(m.Detail, "before the SIP endpoint was ready") {
		t.Fatalf("last mark %+v", m)
	}
	s.Advance(DefaultReadyDelay)
	wantError(t, update(t, s, id, s.DomainID(), eps[0]), 404, "not-found", "Call Forwarding Failed")
	wantState(t, s, id, CallDropped)
}

func TestUpdateToAnUnknownEndpointDropsTheCall(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	id, _ := heldCallWithRoom(t, s)
	wantError(t, update(t, s, id, s.DomainID(), "sip:nobody@nowhere"), 404, "not-found", "Call Forwarding Failed")
	wantState(t, s, id, CallDropped)
}

func TestUpdateWrongDomainThenConnectThenSecondUpdate(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	id, eps := heldCallWithRoom(t, s)
	s.Advance(DefaultReadyDelay)

	wantError(t, update(t, s, id, "9c975848-a067-4de0-bf47-1b4179ceba4e", eps[0]), 404, "not-found", "Call Forwarding Failed")
	wantState(t, s, id, CallHeld)
	wantError(t, update(t, s, "a7bf8461-7d33-4083-9677-5cfdb4f337a5", s.DomainID(), eps[0]), 404, "not-found", "Call Forwarding Failed")

	// Without "sip:" the endpoint is the same (Pipecat may send either form).
	if m := ok(t, s, "POST", "/dialin/pinlessCallUpdate", map[string]any{"callId": id, "callDomain": s.DomainID(),
		"sipUri": strings.TrimPrefix(eps[0], "sip:")}); m["ok"] != true {
		t.Fatalf("answer %v", m)
	}
	rec := wantState(t, s, id, CallConnected)
	if rec.Room != "call-room" {
		t.Fatalf("room %q", rec.Room)
	}
	wantError(t, update(t, s, id, s.DomainID(), eps[0]), 404, "not-found", "Call Forwarding Failed")
	if again := wantState(t, s, id, CallConnected); len(again.Timeline) != len(rec.Timeline) {
		t.Fatalf("a rejected second update changed the timeline: %v", markNames(again))
	}
}

func TestHoldTimeoutLosesTheCall(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t, WithHoldTimeout(90*time.Second))
	_, events := eventHook(t, s)
	id, _ := heldCallWithRoom(t, s)
	clock.Advance(89 * time.Second)
	wantState(t, s, id, CallHeld)
	clock.Advance(time.Second)
	rec := wantState(t, s, id, CallLost)
	held, _ := rec.At("received")
	lost, _ := rec.At("lost")
	if lost.Sub(held) != 90*time.Second {
		t.Fatalf("lost after %s", lost.Sub(held))
	}
	if _, err := s.Hangup(id); err == nil || !strings.Contains(err.Error(), "already lost") {
		t.Fatalf("hangup of a lost call: %v", err)
	}
	// The room's endpoint became ready along the way (dialin.ready), but a call that never
	// connected emits no dialin.stopped.
	testkit.Eventually(t, "dialin.ready", func() bool { return len(eventsOf(t, events(), "dialin.ready")) == 1 })
	if n := len(eventsOf(t, events(), "dialin.stopped")); n != 0 {
		t.Fatalf("%d dialin.stopped for a call that never connected", n)
	}
}

func TestAdvanceOnARealClockFiresTimers(t *testing.T) {
	t.Parallel()
	s := New(t, WithoutRateLimit(), WithHoldTimeout(time.Hour))
	serve, _ := webhookReceiver(t, http.StatusOK)
	id := place(t, s, CallSpec{To: routeTo(t, s, serve.URL)})
	s.Advance(time.Hour)
	wantState(t, s, id, CallLost)
}

func TestNonLoopbackWebhookLosesTheCallWithoutSending(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	num := buy(t, s, 1)[0]
	setRoutes(t, s, map[string]any{"phone_number": num, "room_creation_api": "https://example.com/dialin"})
	id := place(t, s, CallSpec{To: num, From: "+15550001111"})
	rec := wantState(t, s, id, CallLost)
	if got := markNames(rec); strings.Join(got, ",") != "received,lost" || rec.Timeline[1].Detail != "webhook host not loopback" {
		t.Fatalf("timeline %+v", rec.Timeline)
	}
	var calls []Delivery
	for _, d := range s.Deliveries() {
		if d.Kind == "pinless-call" {
			calls = append(calls, d)
		}
	}
	if len(calls) != 1 || !calls[0].Skipped || calls[0].Status != 0 || calls[0].Err != "" || calls[0].CallID != id {
		t.Fatalf("deliveries %+v", calls)
	}
}

func TestPlaceCallRouting(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	serve, got := webhookReceiver(t, http.StatusOK)
	routed := buy(t, s, 2)
	entries := setRoutes(t, s, map[string]any{"phone_number": routed[0], "room_creation_api": serve.URL, "hmac": testRouteSecret},
		map[string]any{"name_prefix": "trunk", "room_creation_api": serve.URL, "hmac": testRouteSecret})
	for _, spec := range []CallSpec{{To: "+14155550199"}, {To: routed[1]}, {}, {SIPURI: "sip:ghost@x"}} {
		if id, err := s.PlaceCall(spec); err == nil {
			t.Fatalf("%+v placed call %s", spec, id)
		}
	}
	if _, err := s.PlaceCall(CallSpec{To: "+14155550199"}); !strings.Contains(err.Error(), "is not routed") {
		t.Fatalf("error %v", err)
	}
	if len(s.Calls()) != 0 {
		t.Fatalf("refused calls were recorded: %v", s.Calls())
	}
	sipURI := obj(entries[1])["sip_uri"].(string)
	id := place(t, s, CallSpec{SIPURI: "sip:" + sipURI, SIPHeaders: map[string]string{"X-Tenant": "acme"}})
	testkit.Eventually(t, "the SIP call's webhook", func() bool { return len(callWebhooks(got())) == 1 })
	body := string(callWebhooks(got())[0].body)
	want := `{"To":"sip:` + sipURI + `","From":"anonymous","callId":"` + id + `","callDomain":"` + s.DomainID() + `","sipHeaders":{"X-Tenant":"acme"}}`
	if body != want {
		t.Fatalf("webhook body\n%s\nwant\n%s", body, want)
	}
}
