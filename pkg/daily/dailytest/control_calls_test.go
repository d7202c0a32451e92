package dailytest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCallControlEndpoints(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	serve, _ := webhookReceiver(t, http.StatusOK)
	num := routeTo(t, s, serve.URL)

	if res := send(t, "GET", strings.TrimSuffix(s.URL, "/v1")+"/_emulator/calls", "", nil); res.status != 400 {
		t.Fatalf("calls need the API key: %d", res.status)
	}
	wantError(t, control(t, s, "POST", "/_emulator/calls", map[string]any{"to": "+14155550199"}), 400, "invalid-request-error", "is not routed")
	wantError(t, control(t, s, "POST", "/_emulator/calls", map[string]any{"to": num, "sip_headers": map[string]any{"X-A": 1}}), 400, "invalid-request-error", "sip_headers")
	res := control(t, s, "POST", "/_emulator/calls", map[string]any{"to": num, "from": "+15550001111", "sip_headers": map[string]any{"X-A": "1"}})
	id, _ := res.json(t)["call_id"].(string)
	if res.status != 200 || len(id) != 36 {
		t.Fatalf("place: %d %s", res.status, res.body)
	}

	if calls := list(control(t, s, "GET", "/_emulator/calls", nil).json(t), "calls"); len(calls) != 1 || obj(calls[0])["id"] != id {
		t.Fatalf("calls %v", calls)
	}
	var rec struct {
		ID, Domain, To, From, Room, State string
		Timeline                          []struct{ Name, At, Detail string }
	}
	res = control(t, s, "GET", "/_emulator/calls/"+id, nil)
	if err := json.Unmarshal(res.body, &rec); err != nil || rec.ID != id || rec.Domain != s.DomainID() || rec.To != num ||
		rec.From != "+15550001111" || rec.Room != "" || rec.State != "held" || rec.Timeline[0].Name != "received" {
		t.Fatalf("record %s (%v)", res.body, err)
	}
	if at, err := time.Parse(time.RFC3339Nano, rec.Timeline[0].At); err != nil || !at.Equal(clock.Now()) {
		t.Fatalf("at %q: %v", rec.Timeline[0].At, err)
	}
	wantError(t, control(t, s, "GET", "/_emulator/calls/nope", nil), 404, "not-found", "nope")
	wantError(t, control(t, s, "GET", "/_emulator/calls/"+id+"?until=gone", nil), 400, "invalid-request-error", "until")
	if res := control(t, s, "GET", "/_emulator/calls/"+id+"?until=lost&wait=20ms", nil); res.json(t)["state"] != "held" {
		t.Fatalf("a wait that runs out answers the call as it is: %s", res.body)
	}

	if res := control(t, s, "POST", "/_emulator/calls/"+id+"/mark", map[string]any{"name": "bot_started", "detail": "pid 42"}); res.status != 200 {
		t.Fatalf("mark: %s", res.body)
	}
	wantError(t, control(t, s, "POST", "/_emulator/calls/"+id+"/mark", map[string]any{"name": "connected"}), 400, "invalid-request-error", "emulator makes itself")
	wantError(t, control(t, s, "POST", "/_emulator/calls/"+id+"/mark", map[string]any{"name": "Bot Started"}), 400, "invalid-request-error", "a-z")
	wantError(t, control(t, s, "POST", "/_emulator/calls/nope/mark", map[string]any{"name": "bot_started"}), 404, "not-found", "nope")
	wantError(t, control(t, s, "GET", "/_emulator/calls/"+id+"/mark", nil), 405, "invalid-request-error", "POST")
	wantError(t, control(t, s, "POST", "/_emulator/calls/"+id+"/other", nil), 404, "not-found", "unknown control endpoint")
	if got, _ := s.Call(id); got.Timeline[len(got.Timeline)-1].Detail != "pid 42" {
		t.Fatalf("mark detail: %+v", got.Timeline)
	}

	// Once connected, a long poll with until returns as soon as the call gets there.
	sipRoom(t, s, "r", 1)
	_, eps := joinRoom(t, s, "r", roomToken(t, s, "r"))
	clock.Advance(DefaultReadyDelay)
	done := make(chan apiResult, 1)
	go func() {
		r, _ := rawCall("GET", strings.TrimSuffix(s.URL, "/v1")+"/_emulator/calls/"+id+"?until=connected,lost&wait=5s", "Bearer "+s.APIKey, nil)
		done <- r
	}()
	if res := update(t, s, id, s.DomainID(), eps[0]); res.status != 200 {
		t.Fatalf("update: %s", res.body)
	}
	if r := <-done; !strings.Contains(string(r.body), `"state":"connected"`) {
		t.Fatalf("long poll: %s", r.body)
	}
	res = control(t, s, "POST", "/_emulator/calls/"+id+"/hangup", nil)
	if res.status != 200 || res.json(t)["state"] != "ended" {
		t.Fatalf("hangup: %d %s", res.status, res.body)
	}
	wantError(t, control(t, s, "POST", "/_emulator/calls/"+id+"/hangup", nil), 400, "invalid-request-error", "already ended")
}

func TestParticipantEndpoints(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	sipRoom(t, s, "r", 1)
	ok(t, s, "POST", "/rooms", map[string]any{"name": "plain"})
	tok := roomToken(t, s, "r")

	wantError(t, participant(t, s, "POST", "r", "join", "", nil), 400, "authorization-header-error", "meeting token")
	wantError(t, participant(t, s, "POST", "r", "join", s.APIKey, nil), 401, "authentication-error", "not a JWT")
	wantError(t, participant(t, s, "POST", "r", "join", roomToken(t, s, "plain"), nil), 403, "forbidden-error", "not for room r")
	later := ok(t, s, "POST", "/meeting-tokens", map[string]any{"properties": map[string]any{"room_name": "r", "nbf": clock.Now().Add(time.Hour).Unix()}})["token"].(string)
	wantError(t, participant(t, s, "POST", "r", "join", later, nil), 403, "forbidden-error", "not valid before")
	wantError(t, participant(t, s, "POST", "ghost", "join", roomToken(t, s, "ghost"), nil), 404, "not-found", "ghost")
	wantError(t, participant(t, s, "GET", "r", "join", tok, nil), 405, "invalid-request-error", "POST")
	wantError(t, participant(t, s, "POST", "r", "dance", tok, nil), 404, "not-found", "unknown control endpoint")
	wantError(t, participant(t, s, "GET", "plain", "ready?wait=1ms", roomToken(t, s, "plain"), nil), 400, "invalid-request-error", "no SIP endpoints")

	// A self-signed token (signed with the API key, no REST round trip) is accepted too.
	self := selfSign(t, "HS256", map[string]any{"r": "r", "d": s.DomainID()}, s.APIKey)
	pid, eps := joinRoom(t, s, "r", self)
	wantError(t, participant(t, s, "GET", "r", "ready?wait=10ms", tok, nil), 408, "timeout", "within 10ms")
	wantError(t, participant(t, s, "GET", "r", "ready?wait=soon", tok, nil), 400, "invalid-request-error", "wait")

	done := make(chan apiResult, 1)
	go func() {
		r, _ := rawCall("GET", strings.TrimSuffix(s.URL, "/v1")+"/_emulator/rooms/r/ready?wait=5", "Bearer "+tok, nil)
		done <- r
	}()
	// The long poll may not have started yet; either way it must see the endpoint once ready.
	clock.Advance(DefaultReadyDelay)
	if r := <-done; r.status != 200 || string(r.body) != `{"ready":["`+eps[0]+`"]}`+"\n" {
		t.Fatalf("ready: %d %s", r.status, r.body)
	}

	wantError(t, participant(t, s, "POST", "r", "leave", tok, map[string]any{"participant_id": "someone"}), 404, "not-found", "not in room")
	if res := participant(t, s, "POST", "r", "leave", tok, map[string]any{"participant_id": pid}); res.status != 200 {
		t.Fatalf("leave: %s", res.body)
	}
	// The session ended, so the endpoint is not ready any more.
	wantError(t, participant(t, s, "GET", "r", "ready?wait=1ms", tok, nil), 408, "timeout", "")
}

func TestDeletingTheRoomEndsItsCall(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	id, eps := heldCallWithRoom(t, s)
	s.Advance(DefaultReadyDelay)
	if res := update(t, s, id, s.DomainID(), eps[0]); res.status != 200 {
		t.Fatalf("update: %s", res.body)
	}
	ok(t, s, "DELETE", "/rooms/call-room", nil)
	rec := wantState(t, s, id, CallEnded)
	if d := rec.Timeline[len(rec.Timeline)-1].Detail; d != "room deleted" {
		t.Fatalf("detail %q", d)
	}
}
