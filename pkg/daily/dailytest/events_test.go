package dailytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/dialin-project/dialin/internal/testkit"
)

func TestDialinEventsPerEndpointConnectedAndStopped(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	secret, events := eventHook(t, s)
	serve, _ := webhookReceiver(t, http.StatusOK)
	id := place(t, s, CallSpec{To: routeTo(t, s, serve.URL), From: "+15550001111"})
	sipRoom(t, s, "two", 2)
	pid, eps := joinRoom(t, s, "two", roomToken(t, s, "two"))
	if len(eps) != 2 {
		t.Fatalf("endpoints %v", eps)
	}
	clock.Advance(DefaultReadyDelay)
	testkit.Eventually(t, "two dialin.ready events", func() bool { return len(eventsOf(t, events(), "dialin.ready")) == 2 })

	var got []string
	for _, r := range events() {
		checkSignature(t, secret, r.header.Get("X-Webhook-Timestamp"), r.body, r.header.Get("X-Webhook-Signature"))
	}
	ready := eventsOf(t, events(), "dialin.ready")
	for _, e := range ready {
		p := e.Payload
		if e.Version != "1.0.0" || e.ID == "" || p["room"] != "two" || p["domain_id"] != s.DomainID() ||
			p["timestamp"] != float64(clock.Now().Unix()) || e.EventTS != float64(clock.Now().UnixMilli())/1000 {
			t.Fatalf("dialin.ready %+v", e)
		}
		got = append(got, p["sip_endpoint"].(string))
	}
	if !slices.Equal(got, eps) || ready[0].ID == ready[1].ID {
		t.Fatalf("ready endpoints %v (ids %s %s), want one event per endpoint %v", got, ready[0].ID, ready[1].ID, eps)
	}

	if res := update(t, s, id, s.DomainID(), eps[1]); res.status != http.StatusOK {
		t.Fatalf("update: %d %s", res.status, res.body)
	}
	testkit.Eventually(t, "dialin.connected", func() bool { return len(eventsOf(t, events(), "dialin.connected")) == 1 })
	conn := eventsOf(t, events(), "dialin.connected")[0].Payload
	if conn["room"] != "two" || conn["sip_from"] != "+15550001111" || conn["display_name"] != "Caller" ||
		conn["session_id"] == "" || conn["session_id"] == id || len(obj(conn["sip_headers"])) != 0 {
		t.Fatalf("dialin.connected payload %v", conn)
	}

	// The last participant leaving ends the session and the call in it.
	if res := participant(t, s, "POST", "two", "leave", roomToken(t, s, "two"), map[string]any{"participant_id": pid}); res.status != 200 {
		t.Fatalf("leave: %d %s", res.status, res.body)
	}
	rec := wantState(t, s, id, CallEnded)
	if m := rec.Timeline[len(rec.Timeline)-1]; m.Detail != "last participant left the room" {
		t.Fatalf("last mark %+v", m)
	}
	testkit.Eventually(t, "dialin.stopped", func() bool { return len(eventsOf(t, events(), "dialin.stopped")) == 1 })
	if stop := eventsOf(t, events(), "dialin.stopped")[0].Payload; stop["session_id"] != conn["session_id"] {
		t.Fatalf("stopped session %v, connected %v", stop["session_id"], conn["session_id"])
	}
}

func TestEventTypesFilterDeliveries(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	_, events := eventHook(t, s, "dialin.connected")
	serve, _ := webhookReceiver(t, http.StatusOK)
	id := place(t, s, CallSpec{To: routeTo(t, s, serve.URL)})
	sipRoom(t, s, "r", 1)
	_, eps := joinRoom(t, s, "r", roomToken(t, s, "r"))
	clock.Advance(DefaultReadyDelay)
	if res := update(t, s, id, s.DomainID(), eps[0]); res.status != 200 {
		t.Fatalf("update: %s", res.body)
	}
	// Events are delivered in order, so once dialin.connected is in, a dialin.ready would be too.
	testkit.Eventually(t, "dialin.connected", func() bool { return len(eventsOf(t, events(), "dialin.connected")) == 1 })
	if n := len(events()); n != 1 {
		t.Fatalf("%d events delivered, want only dialin.connected", n)
	}
}

func TestFailingEventsTripTheCircuitBreaker(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b, _ := io.ReadAll(r.Body); string(b) != `{"test":"test"}` {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(hook.Close)
	uuid := ok(t, s, "POST", "/webhooks", map[string]any{"url": hook.URL})["uuid"].(string)
	sipRoom(t, s, "r", 4)
	joinRoom(t, s, "r", roomToken(t, s, "r"))
	clock.Advance(DefaultReadyDelay)
	testkit.Eventually(t, "four event deliveries", func() bool {
		n := 0
		for _, d := range s.Deliveries() {
			if d.Kind == "webhook-event" {
				n++
			}
		}
		return n == 4
	})
	var sent, skipped int
	for _, d := range s.Deliveries() {
		switch {
		case d.Kind != "webhook-event":
		case d.Skipped:
			skipped++
		case d.Status == 500 && d.Event == "dialin.ready":
			sent++
		}
	}
	w := ok(t, s, "GET", "/webhooks/"+uuid, nil)
	if sent != 3 || skipped != 1 || w["state"] != "FAILED" || w["failedCount"] != float64(3) {
		t.Fatalf("sent %d, skipped %d, webhook %v", sent, skipped, w)
	}
}
