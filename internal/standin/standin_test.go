package standin_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/standin"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
	"github.com/dialin-project/dialin/pkg/dialin/botcall"
)

// handedCall is what the test's serve gave the bot, and how the bot's Run ended.
type handedCall struct {
	room, token string
	done        chan error
}

// setup starts the emulator and a tiny loopback "serve": on a dial-in webhook it creates a
// room and a token through pkg/daily and runs the stand-in bot with base's settings.
func setup(t *testing.T, base standin.Options) (*dailytest.Server, func() (string, handedCall)) {
	t.Helper()
	s := dailytest.New(t, dailytest.WithoutRateLimit(), dailytest.WithReadyDelay(20*time.Millisecond))
	client := daily.New(s.APIKey, daily.WithBaseURL(s.URL), daily.WithoutRateLimit())
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	handed := make(chan handedCall, 1)
	serve := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var hook struct{ CallID, CallDomain string }
		body, _ := io.ReadAll(r.Body)
		if json.Unmarshal(body, &hook) != nil || hook.CallID == "" {
			return // Daily's verification request
		}
		go func() {
			hc := handedCall{done: make(chan error, 1)}
			defer func() { handed <- hc }()
			room, err := client.CreateRoom(ctx, daily.CreateRoomRequest{Name: "call-" + hook.CallID[:8],
				Properties: daily.RoomProperties{SIP: &daily.SIPProperties{DisplayName: "Caller", SIPMode: "dial-in"}}})
			if err != nil {
				hc.done <- err
				return
			}
			hc.room = room.Name
			if hc.token, err = client.CreateMeetingToken(ctx, daily.MeetingTokenProperties{RoomName: room.Name}); err != nil {
				hc.done <- err
				return
			}
			opts := base.WithCall(botcall.Call{RoomURL: room.URL, Token: hc.token, CallID: hook.CallID,
				CallDomain: hook.CallDomain, SIPURI: room.Config.SIPURI.Endpoints()[0]})
			opts.APIURL, opts.APIKey = s.URL, s.APIKey
			go func() { hc.done <- standin.Run(ctx, opts) }()
		}()
	}))
	t.Cleanup(serve.Close)
	num, err := client.BuyNumber(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{PhoneNumber: num.Number, RoomCreationAPI: serve.URL + "/dialin"}}); err != nil {
		t.Fatal(err)
	}
	return s, func() (string, handedCall) {
		t.Helper()
		id, err := s.PlaceCall(dailytest.CallSpec{To: num.Number, From: "+15550001111"})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case hc := <-handed:
			return id, hc
		case <-time.After(5 * time.Second):
			t.Fatal("serve never got the call")
			return "", handedCall{}
		}
	}
}

func botResult(t *testing.T, hc handedCall) error {
	t.Helper()
	select {
	case err := <-hc.done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("the bot did not finish")
		return nil
	}
}

func TestBotPatchesTheCallAndLeavesAfterTalkTime(t *testing.T) {
	t.Parallel()
	s, call := setup(t, standin.Options{Patch: true, StartupDelay: 10 * time.Millisecond, TalkTime: 50 * time.Millisecond})
	id, hc := call()
	rec := s.AwaitCall(t, testkit.Patience, id, "connected", "lost", "dropped")
	if rec.State != "connected" || rec.Room != hc.room {
		t.Fatalf("call %s in %q: %s", rec.State, rec.Room, rec.MarkNames())
	}
	if err := botResult(t, hc); err != nil {
		t.Fatal(err)
	}
	// The bot was the only participant: its leaving ends the call.
	rec = s.AwaitCall(t, testkit.Patience, id, "ended")
	// serve creates the room while the emulator may still be recording the webhook's answer,
	// so webhook_answered is only ordered after webhook_sent.
	want := "received,webhook_sent,room_created,bot_started,bot_joined,ready,updated,connected,ended"
	if got := strings.Replace(rec.MarkNames(), "webhook_answered,", "", 1); got != want {
		t.Fatalf("timeline\n%s\nwant\n%s (plus webhook_answered after webhook_sent)", rec.MarkNames(), want)
	}
	sent, _ := rec.At("webhook_sent")
	if answered, ok := rec.At("webhook_answered"); !ok || answered.Before(sent) {
		t.Fatalf("webhook_answered (%v) must follow webhook_sent", ok)
	}
	if d := rec.Timeline[len(rec.Timeline)-1].Detail; d != "last participant left the room" {
		t.Fatalf("ended because %q", d)
	}
	started, _ := rec.At("bot_started")
	joined, _ := rec.At("bot_joined")
	if joined.Sub(started) < 10*time.Millisecond {
		t.Fatalf("joined %s after starting, want at least the start-up delay", joined.Sub(started))
	}
	if n := s.Count("POST", "/dialin/pinlessCallUpdate"); n != 1 {
		t.Fatalf("%d pinlessCallUpdate requests, want exactly 1", n)
	}
}

func TestBotWithoutPatchLeavesTheCallHeldUntilHangup(t *testing.T) {
	t.Parallel()
	s, call := setup(t, standin.Options{Patch: false})
	id, hc := call()
	ready := readyEndpoints(t, s, hc)
	if len(ready) != 1 {
		t.Fatalf("ready %v", ready)
	}
	if rec, _ := s.Call(id); rec.State != "held" {
		t.Fatalf("state %s", rec.State)
	}
	if _, err := s.Hangup(id); err != nil {
		t.Fatal(err)
	}
	if err := botResult(t, hc); err != nil {
		t.Fatalf("the bot should end cleanly when the caller hangs up: %v", err)
	}
	rec, _ := s.Call(id)
	if n := s.Count("POST", "/dialin/pinlessCallUpdate"); n != 0 || strings.Contains(rec.MarkNames(), "updated") {
		t.Fatalf("a bot with Patch=false patched the call (%d requests): %s", n, rec.MarkNames())
	}
}

func TestBotCrashBeforePatching(t *testing.T) {
	t.Parallel()
	s, call := setup(t, standin.Options{Patch: true, CrashAfter: standin.CrashAfterReady})
	id, hc := call()
	if err := botResult(t, hc); !errors.Is(err, standin.ErrCrashed) {
		t.Fatalf("Run = %v, want ErrCrashed", err)
	}
	if rec, _ := s.Call(id); rec.State != "held" || s.Count("POST", "/dialin/pinlessCallUpdate") != 0 {
		t.Fatalf("a crashed bot touched the call: %s %s", rec.State, rec.MarkNames())
	}
	// A crash does not leave: the room's endpoint stays ready.
	if len(readyEndpoints(t, s, hc)) != 1 {
		t.Fatal("the crashed bot left the room")
	}
}

func TestBotStoppedFromOutsideLeavesTheRoom(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, standin.Options{})
	client := daily.New(s.APIKey, daily.WithBaseURL(s.URL), daily.WithoutRateLimit())
	ctx := context.Background()
	room, err := client.CreateRoom(ctx, daily.CreateRoomRequest{Name: "solo", Properties: daily.RoomProperties{
		SIP: &daily.SIPProperties{DisplayName: "x", SIPMode: "dial-in"}}})
	if err != nil {
		t.Fatal(err)
	}
	token, err := client.CreateMeetingToken(ctx, daily.MeetingTokenProperties{RoomName: "solo"})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	hc := handedCall{room: "solo", token: token, done: make(chan error, 1)}
	// No API key: the bot cannot follow a call, so it stays until stopped.
	go func() {
		hc.done <- standin.Run(runCtx, standin.Options{RoomURL: room.URL, Token: token, CallID: "c1", APIURL: s.URL})
	}()
	readyEndpoints(t, s, hc)
	cancel()
	if err := botResult(t, hc); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	ready, err := control.New(s.URL, "", nil).Participant("solo", token).Ready(ctx, time.Millisecond)
	if err != nil || ready != nil {
		t.Fatalf("after the bot left, ready answers %v, %v; want the 408 of no session", ready, err)
	}
}

// readyEndpoints long-polls the room's ready endpoints as a second participant would.
func readyEndpoints(t *testing.T, s *dailytest.Server, hc handedCall) []string {
	t.Helper()
	ready, err := control.New(s.URL, "", nil).Participant(hc.room, hc.token).Ready(t.Context(), 5*time.Second)
	if err != nil || len(ready) == 0 {
		t.Fatalf("ready: %v %v", ready, err)
	}
	return ready
}

func TestRunRefusesBadOptions(t *testing.T) {
	t.Parallel()
	good := standin.Options{RoomURL: "https://d.daily.co/room", Token: "t", CallID: "c", CallDomain: "d",
		APIURL: "http://127.0.0.1:1/v1", APIKey: "k", Patch: true}
	cases := map[string]func(o *standin.Options){
		"api_url: the stand-in bot talks only to the emulator on a loopback host": func(o *standin.Options) { o.APIURL = "https://api.daily.example/v1" },
		"room_url must end in a room name":                                        func(o *standin.Options) { o.RoomURL = "https://d.daily.co/" },
		"token is required":                                                       func(o *standin.Options) { o.Token = "" },
		"call_domain is required to patch":                                        func(o *standin.Options) { o.CallDomain = "" },
		"api_key (DAILY_API_KEY) is required to patch":                            func(o *standin.Options) { o.APIKey = "" },
		"crash_after must be started, joined or ready":                            func(o *standin.Options) { o.CrashAfter = "later" },
	}
	for want, mutate := range cases {
		o := good
		mutate(&o)
		err := standin.Run(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: Run = %v", want, err)
		}
	}
}

func TestWithCall(t *testing.T) {
	c := botcall.Call{RoomURL: "https://d.daily.co/call-1", Token: "tok", CallID: "c1", CallDomain: "d1", SIPURI: "call-1.0@d.sip.daily.co"}
	o := standin.Options{Patch: true}.WithCall(c)
	if o.RoomURL != c.RoomURL || o.Token != "tok" || o.CallID != "c1" || o.CallDomain != "d1" || o.SIPURI != c.SIPURI || !o.Patch {
		t.Fatalf("WithCall: %+v", o)
	}
}

// When serve patches (the bot does not), the talk time starts once the caller is in the
// room: a patch that comes well after ready, as it does under load, still finds the bot
// there. Before, the bot left its talk time after ready and the late patch dropped the call.
func TestBotThatDoesNotPatchWaitsForTheCaller(t *testing.T) {
	t.Parallel()
	s, call := setup(t, standin.Options{TalkTime: 20 * time.Millisecond})
	id, hc := call()
	eps, err := control.New(s.URL, s.APIKey, nil).Participant(hc.room, hc.token).Ready(context.Background(), testkit.Patience)
	if err != nil || len(eps) == 0 {
		t.Fatalf("ready: %v %v", eps, err)
	}
	// serve's patch, late: ten times the bot's talk time after ready. The bot joined and
	// waits for its caller; it has not left (which would end the room's session).
	time.Sleep(200 * time.Millisecond) // the late patch is what this test is about, not a proof of absence
	client := daily.New(s.APIKey, daily.WithBaseURL(s.URL), daily.WithoutRateLimit())
	if err := client.PinlessCallUpdate(context.Background(), daily.PinlessCallUpdateRequest{CallID: id, CallDomain: s.DomainID(), SIPURI: eps[0]}); err != nil {
		t.Fatalf("the late patch: %v (%s)", err, s.AwaitCall(t, testkit.Patience, id, "connected", "lost", "dropped").MarkNames())
	}
	if rec := s.AwaitCall(t, testkit.Patience, id, "connected", "lost", "dropped"); rec.State != "connected" {
		t.Fatalf("call %s: %s", rec.State, rec.MarkNames())
	}
	if err := botResult(t, hc); err != nil {
		t.Fatal(err)
	}
}

// TestBotKeepsPatchingThroughRateLimits: a burst of bots under Daily's limits meets 429s on
// pinlessCallUpdate; the bot retries past the client's default four attempts while the
// caller holds, so the call connects.
func TestBotKeepsPatchingThroughRateLimits(t *testing.T) {
	t.Parallel()
	s, call := setup(t, standin.Options{Patch: true, StartupDelay: 10 * time.Millisecond, TalkTime: 50 * time.Millisecond})
	s.FailNext(http.StatusTooManyRequests, daily.DefaultMaxAttempts, dailytest.OnRequest("POST", "/dialin/pinlessCallUpdate"))
	id, hc := call()
	rec := s.AwaitCall(t, testkit.Patience, id, "connected", "lost", "dropped")
	if rec.State != "connected" {
		t.Fatalf("call %s: %s", rec.State, rec.MarkNames())
	}
	if err := botResult(t, hc); err != nil {
		t.Fatal(err)
	}
	if n := s.Count("POST", "/dialin/pinlessCallUpdate"); n != daily.DefaultMaxAttempts+1 {
		t.Fatalf("%d pinlessCallUpdate requests, want %d (the 429s, then the patch)", n, daily.DefaultMaxAttempts+1)
	}
}
