package control_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
)

// emulatorWithRoute starts an emulator with one pinless number whose webhook goes to a
// loopback server that only takes the call, and a SIP room with a meeting token for it.
func emulatorWithRoute(t *testing.T) (s *dailytest.Server, number, room, token string) {
	t.Helper()
	s = dailytest.New(t, dailytest.WithoutRateLimit(), dailytest.WithReadyDelay(10*time.Millisecond))
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }))
	t.Cleanup(hook.Close)
	ctx := context.Background()
	client := daily.New(s.APIKey, daily.WithBaseURL(s.URL), daily.WithoutRateLimit())
	num, err := client.BuyNumber(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{PhoneNumber: num.Number, RoomCreationAPI: hook.URL + "/dialin"}}); err != nil {
		t.Fatal(err)
	}
	rm, err := client.CreateRoom(ctx, daily.CreateRoomRequest{Name: "call-room",
		Properties: daily.RoomProperties{SIP: &daily.SIPProperties{DisplayName: "Caller", SIPMode: "dial-in"}}})
	if err != nil {
		t.Fatal(err)
	}
	if token, err = client.CreateMeetingToken(ctx, daily.MeetingTokenProperties{RoomName: rm.Name}); err != nil {
		t.Fatal(err)
	}
	return s, num.Number, rm.Name, token
}

// A whole call through the control endpoints: placed, marked, the bot joins and waits for
// ready, the call is patched (Daily's API), connects, and the caller hangs up.
func TestCallThroughTheControlEndpoints(t *testing.T) {
	t.Parallel()
	s, number, room, token := emulatorWithRoute(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := control.New(s.URL+"/", s.APIKey, nil)
	if c.RootURL() != strings.TrimSuffix(s.URL, "/v1") {
		t.Fatalf("root %q for %q", c.RootURL(), s.URL)
	}

	id, err := c.PlaceCall(ctx, control.PlaceRequest{To: number, From: "+15550001111", SIPHeaders: map[string]string{"X-A": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := c.Call(ctx, id)
	if err != nil || rec.ID != id || rec.State != dailytest.CallHeld || rec.To != number || rec.From != "+15550001111" {
		t.Fatalf("call: %+v %v", rec, err)
	}
	if err := c.Mark(ctx, id, "bot_started", "pid 7"); err != nil {
		t.Fatal(err)
	}

	p := c.Participant(room, token)
	joined, err := p.Join(ctx)
	if err != nil || joined.ParticipantID == "" || len(joined.SIPEndpoints) != 1 || !strings.HasPrefix(joined.SIPEndpoints[0], "sip:") {
		t.Fatalf("join: %+v %v", joined, err)
	}
	ready, err := p.Ready(ctx, 5*time.Second)
	if err != nil || len(ready) != 1 || ready[0] != joined.SIPEndpoints[0] {
		t.Fatalf("ready: %v %v (joined %v)", ready, err, joined.SIPEndpoints)
	}
	api := daily.New(s.APIKey, daily.WithBaseURL(s.URL), daily.WithoutRateLimit())
	if err := api.PinlessCallUpdate(ctx, daily.PinlessCallUpdateRequest{CallID: id, CallDomain: rec.Domain, SIPURI: ready[0]}); err != nil {
		t.Fatal(err)
	}
	rec, err = c.WaitCall(ctx, id, 5*time.Second, dailytest.CallConnected, dailytest.CallLost)
	if err != nil || rec.State != dailytest.CallConnected || rec.Room != room {
		t.Fatalf("wait: %+v %v", rec, err)
	}
	if m := rec.Timeline; !strings.Contains(rec.MarkNames(), "bot_started") || len(m) == 0 {
		t.Fatalf("timeline %s", rec.MarkNames())
	}
	for _, m := range rec.Timeline {
		if m.Name == "bot_started" && m.Detail != "pid 7" {
			t.Fatalf("mark detail %q", m.Detail)
		}
	}

	rec, err = c.Hangup(ctx, id)
	if err != nil || rec.State != dailytest.CallEnded {
		t.Fatalf("hangup: %+v %v", rec, err)
	}
	calls, err := c.Calls(ctx)
	if err != nil || len(calls) != 1 || calls[0].ID != id || calls[0].State != dailytest.CallEnded {
		t.Fatalf("calls: %+v %v", calls, err)
	}
	if err := p.Leave(ctx, joined.ParticipantID); err != nil {
		t.Fatal(err)
	}
	// The session is over: leaving again is the emulator's 404, as a typed error.
	err = p.Leave(ctx, joined.ParticipantID)
	var ce *control.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusNotFound || ce.Kind != "not-found" || !control.IsStatus(err, http.StatusNotFound) {
		t.Fatalf("second leave: %v", err)
	}
}

// Ready's long poll running out is no error: (nil, nil), so a bot polls again.
func TestReadyTimesOutQuietly(t *testing.T) {
	t.Parallel()
	s, _, room, token := emulatorWithRoute(t)
	ready, err := control.New(s.URL, "", nil).Participant(room, token).Ready(context.Background(), time.Millisecond)
	if err != nil || ready != nil {
		t.Fatalf("ready %v, err %v", ready, err)
	}
}

// Errors say the request, the status and the emulator's reason, and never the credential.
func TestErrorsNameTheRequestNotTheKey(t *testing.T) {
	t.Parallel()
	s, number, room, _ := emulatorWithRoute(t)
	ctx := context.Background()
	wrongKey := "wrong-key-0123456789"
	_, err := control.New(s.URL, wrongKey, nil).PlaceCall(ctx, control.PlaceRequest{To: number})
	if !control.IsStatus(err, http.StatusUnauthorized) || strings.Contains(err.Error(), wrongKey) ||
		!strings.Contains(err.Error(), "placing the call: POST /_emulator/calls: the emulator answered 401 authentication-error") {
		t.Fatalf("wrong key: %v", err)
	}
	badToken := "not-a-token-abcdef"
	_, err = control.New(s.URL, s.APIKey, nil).Participant(room, badToken).Join(ctx)
	if !control.IsStatus(err, http.StatusUnauthorized) || strings.Contains(err.Error(), badToken) {
		t.Fatalf("bad token: %v", err)
	}
	_, err = control.New(s.URL, s.APIKey, nil).PlaceCall(ctx, control.PlaceRequest{To: "+19999999999"})
	if !control.IsStatus(err, http.StatusBadRequest) || !strings.Contains(err.Error(), "400 invalid-request-error: ") {
		t.Fatalf("unrouted number: %v", err)
	}
	if strings.Contains(err.Error(), s.APIKey) {
		t.Fatal("the key is in the error")
	}
	// Nothing listening: the error names the emulator, not the request's query.
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	_, err = control.New(down.URL+"/v1", s.APIKey, nil).Participant(room, badToken).Ready(ctx, time.Second)
	if err == nil || !strings.Contains(err.Error(), "GET /_emulator/rooms/"+room+"/ready at the emulator "+down.URL) ||
		strings.Contains(err.Error(), "wait=") || strings.Contains(err.Error(), badToken) {
		t.Fatalf("down: %v", err)
	}
	var ce *control.Error
	if errors.As(err, &ce) {
		t.Fatal("a transport failure is not an answer")
	}
}

// Advance moves the emulator's clock (an offset on its real clock).
func TestAdvance(t *testing.T) {
	t.Parallel()
	s := dailytest.New(t)
	before := time.Now()
	now, err := control.New(s.URL, s.APIKey, nil).Advance(context.Background(), 48*time.Hour)
	if err != nil || now.Before(before.Add(48*time.Hour)) {
		t.Fatalf("now %v (before %v), err %v", now, before, err)
	}
}

func TestRootAndLoopback(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://127.0.0.1:8089/v1": "http://127.0.0.1:8089", "http://127.0.0.1:8089/v1/": "http://127.0.0.1:8089",
		"http://127.0.0.1:8089": "http://127.0.0.1:8089",
		"http://127.0.0.1:9/":   "http://127.0.0.1:9", "http://localhost:9": "http://localhost:9",
	} {
		if got := control.Root(in); got != want {
			t.Errorf("Root(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"http://127.0.0.1:9/v1": "", "http://localhost:9/v1": "", "http://[::1]:9/v1": "",
		"https://api.daily.co/v1": "api.daily.co is not a loopback host", "127.0.0.1:9/v1": "is not an absolute http(s) URL", "": "is not an absolute",
	} {
		err := control.CheckLoopback(in)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckLoopback(%q) = %v, want %q", in, err, want)
		}
	}
}
