package dailytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

var testRouteSecret = base64.StdEncoding.EncodeToString([]byte("route-secret-route-secret-route!"))

// routeTo buys a number and routes it to url with a known hmac; it returns the number.
func routeTo(t *testing.T, s *Server, url string) string {
	t.Helper()
	num := buy(t, s, 1)[0]
	setRoutes(t, s, map[string]any{"phone_number": num, "room_creation_api": url, "hmac": testRouteSecret})
	return num
}

// sipRoom creates a dial-in room with n SIP endpoints.
func sipRoom(t *testing.T, s *Server, name string, n int) {
	t.Helper()
	ok(t, s, "POST", "/rooms", map[string]any{"name": name, "properties": map[string]any{
		"sip": map[string]any{"display_name": "Caller", "sip_mode": "dial-in", "num_endpoints": n}}})
}

// roomToken asks the emulator's REST API for a meeting token for room.
func roomToken(t *testing.T, s *Server, room string) string {
	t.Helper()
	return ok(t, s, "POST", "/meeting-tokens", map[string]any{"properties": map[string]any{"room_name": room}})["token"].(string)
}

// participant calls /_emulator/rooms/{room}/{action} with a meeting token.
func participant(t *testing.T, s *Server, method, room, action, token string, body any) apiResult {
	t.Helper()
	auth := ""
	if token != "" {
		auth = "Bearer " + token
	}
	return send(t, method, strings.TrimSuffix(s.URL, "/v1")+"/_emulator/rooms/"+room+"/"+action, auth, body)
}

// joinRoom joins room and returns the participant id and the room's SIP endpoints.
func joinRoom(t *testing.T, s *Server, room, token string) (string, []string) {
	t.Helper()
	res := participant(t, s, "POST", room, "join", token, nil)
	if res.status != http.StatusOK {
		t.Fatalf("join %s: %d %s", room, res.status, res.body)
	}
	var a struct {
		ParticipantID string   `json:"participant_id"`
		SIPEndpoints  []string `json:"sip_endpoints"`
	}
	if err := json.Unmarshal(res.body, &a); err != nil || a.ParticipantID == "" {
		t.Fatalf("join answer %s", res.body)
	}
	return a.ParticipantID, a.SIPEndpoints
}

func update(t *testing.T, s *Server, callID, domain, uri string) apiResult {
	t.Helper()
	return api(t, s, "POST", "/dialin/pinlessCallUpdate", map[string]any{"callId": callID, "callDomain": domain, "sipUri": uri})
}

// place places a call to number and fails the test on an error.
func place(t *testing.T, s *Server, spec CallSpec) string {
	t.Helper()
	id, err := s.PlaceCall(spec)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func wantState(t *testing.T, s *Server, id, state string) CallRecord {
	t.Helper()
	rec, found := s.Call(id)
	if !found || rec.State != state {
		t.Fatalf("call %s: state %q (found %v), want %q; timeline %v", id, rec.State, found, state, markNames(rec))
	}
	return rec
}

func markNames(rec CallRecord) []string {
	var out []string
	for _, m := range rec.Timeline {
		out = append(out, m.Name)
	}
	return out
}

// callWebhooks keeps the dial-in webhooks among the requests (drops route verifications).
func callWebhooks(reqs []received) []received {
	return slices.DeleteFunc(reqs, func(r received) bool { return strings.Contains(string(r.body), `"Test":"test"`) })
}

// eventHook registers a webhook on a loopback receiver and returns its secret and requests.
func eventHook(t *testing.T, s *Server, eventTypes ...string) (string, func() []received) {
	t.Helper()
	srv, got := webhookReceiver(t, http.StatusOK)
	body := map[string]any{"url": srv.URL + "/events"}
	if len(eventTypes) > 0 {
		body["eventTypes"] = eventTypes
	}
	secret := ok(t, s, "POST", "/webhooks", body)["hmac"].(string)
	return secret, func() []received {
		return slices.DeleteFunc(got(), func(r received) bool { return string(r.body) == `{"test":"test"}` })
	}
}

type envelope struct {
	Version string         `json:"version"`
	Type    string         `json:"type"`
	ID      string         `json:"id"`
	Payload map[string]any `json:"payload"`
	EventTS float64        `json:"event_ts"`
}

func eventsOf(t *testing.T, reqs []received, typ string) []envelope {
	t.Helper()
	var out []envelope
	for _, r := range reqs {
		var e envelope
		if err := json.Unmarshal(r.body, &e); err != nil {
			t.Fatalf("event body %s: %v", r.body, err)
		}
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// validSignature is Daily's construction, computed independently of the emulator.
func validSignature(secret, ts string, body []byte, sig string) bool {
	key, err := base64.StdEncoding.DecodeString(secret)
	if err != nil || ts == "" {
		return false
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts + "." + string(body)))
	return hmac.Equal([]byte(base64.StdEncoding.EncodeToString(m.Sum(nil))), []byte(sig))
}
