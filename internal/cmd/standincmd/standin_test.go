package standincmd

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestNewCmdStandinBotFlags(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	cases := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"-u", "https://d.daily.co/r", "-t", "tok", "-i", "c", "-d", "dom", "-s", "sip:x"}, ""},
		{[]string{}, ""}, // reads the call from stdin
		{[]string{"-u", "https://d.daily.co/r"}, "--room-url needs"},
		{[]string{"--crash-after", "never"}, "--crash-after"},
	}
	for _, c := range cases {
		var got *Options
		cmd := NewCmdStandinBot(env.Factory, func(o *Options) error { got = o; return nil })
		err := cmdtest.Exec(cmd, c.args...)
		if c.wantErr == "" && (err != nil || got == nil) {
			t.Errorf("%v: err=%v", c.args, err)
		}
		if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("%v: err=%v, want %q", c.args, err, c.wantErr)
		}
	}
}

// TestStandinBotConnectsACallFromStdin hands the bot a held call as one JSON line on stdin,
// the warm-bot contract, and checks that the emulator connects the call.
func TestStandinBotConnectsACallFromStdin(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t, dailytest.WithReadyDelay(10*time.Millisecond))
	srv := env.Server
	callID, room, token := heldCall(t, srv, "+14155550123")
	fmt.Fprintf(env.In, `{"room_url":%q,"token":%q,"call_id":%q,"call_domain":%q,"sip_uri":%q}`+"\n",
		room.URL, token, callID, srv.DomainID(), room.Config.SIPURI.Endpoints()[0])
	if err := cmdtest.Exec(NewCmdStandinBot(env.Factory, nil), "--talk-time", "10ms"); err != nil {
		t.Fatalf("standin-bot: %v (stderr %s)", err, env.ErrOut)
	}
	rec, ok := srv.Call(callID)
	if !ok {
		t.Fatal("call vanished")
	}
	if _, connected := rec.At("connected"); !connected {
		t.Fatalf("call not connected; state %s, timeline %+v", rec.State, rec.Timeline)
	}
	if strings.Contains(env.ErrOut.String(), token) || strings.Contains(env.Out.String(), token) {
		t.Fatal("the meeting token was printed")
	}
}

// heldCall places a call to number, routed nowhere that answers so that it stays held until
// patched, and makes a SIP room and an owner token for a bot to take it.
func heldCall(t *testing.T, srv *dailytest.Server, number string) (callID string, room *daily.Room, token string) {
	t.Helper()
	ctx := t.Context()
	client := daily.New(srv.APIKey, daily.WithBaseURL(srv.URL))
	srv.SeedPurchased(number, time.Now().Add(-24*time.Hour))
	if _, err := client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{PhoneNumber: number, RoomCreationAPI: "http://127.0.0.1:9/dialin"}}); err != nil {
		t.Fatal(err)
	}
	callID, err := srv.PlaceCall(dailytest.CallSpec{To: number, From: "+14155550999"})
	if err != nil {
		t.Fatal(err)
	}
	room, err = client.CreateRoom(ctx, daily.CreateRoomRequest{Properties: daily.RoomProperties{
		SIP: &daily.SIPProperties{DisplayName: "caller", SIPMode: "dial-in", NumEndpoints: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	token, err = client.CreateMeetingToken(ctx, daily.MeetingTokenProperties{RoomName: room.Name, IsOwner: true})
	if err != nil {
		t.Fatal(err)
	}
	return callID, room, token
}
