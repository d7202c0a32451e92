package daily_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestMeetingTokenByREST(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	must(c.CreateRoom(ctx, daily.CreateRoomRequest{Name: "tok-room"}))(t)
	exp := time.Now().Add(time.Hour).Unix()

	tok := must(c.CreateMeetingToken(ctx, daily.MeetingTokenProperties{RoomName: "tok-room", IsOwner: true, Exp: exp, UserName: "bot"}))(t)
	claims := must(srv.VerifyMeetingToken(tok))(t)
	if claims["r"] != "tok-room" || claims["o"] != true {
		t.Fatalf("claims %v", claims)
	}
	props := must(c.ValidateMeetingToken(ctx, tok))(t)
	if len(props) == 0 {
		t.Fatal("validation answered nothing")
	}
	if _, err := c.ValidateMeetingToken(ctx, "eyJhbGciOiJIUzI1NiJ9.eyJyIjoieCJ9.bm90LXNpZ25lZA"); err == nil {
		t.Fatal("a badly signed token validated")
	} else if strings.Contains(err.Error(), "bm90LXNpZ25lZA") {
		t.Fatalf("error %q shows the token", err)
	}
	if _, err := c.CreateMeetingToken(ctx, daily.MeetingTokenProperties{}); err == nil || !strings.HasPrefix(err.Error(), "room_name:") {
		t.Fatalf("token without room: err = %v", err)
	}
}

func TestSignMeetingTokenVerifiesWithTheEmulator(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	now := time.Now()
	p := daily.MeetingTokenProperties{RoomName: "local-room", IsOwner: true, Exp: now.Add(time.Hour).Unix(),
		UserName: "bot", UserID: "u-1", EjectAtTokenExp: true, EjectAfterElapsed: 600}

	tok := must(daily.SignMeetingToken(srv.APIKey, srv.DomainID(), p, now))(t)
	claims := must(srv.VerifyMeetingToken(tok))(t)
	want := map[string]any{"r": "local-room", "d": srv.DomainID(), "o": true, "u": "bot", "ud": "u-1", "ejt": true,
		"eje": 600, "exp": p.Exp, "iat": now.Unix()}
	for k, v := range want {
		if fmt.Sprint(claims[k]) != fmt.Sprint(v) {
			t.Errorf("claim %s = %v (%T), want %v", k, claims[k], claims[k], v)
		}
	}
	for _, long := range []string{"room_name", "is_owner", "user_name"} {
		if _, ok := claims[long]; ok {
			t.Errorf("token carries the long claim %q", long)
		}
	}

	other := must(daily.SignMeetingToken("some-other-api-key", srv.DomainID(), p, now))(t)
	if _, err := srv.VerifyMeetingToken(other); err == nil {
		t.Fatal("a token signed with another key verified")
	}
	if _, err := daily.SignMeetingToken(srv.APIKey, srv.DomainID(), daily.MeetingTokenProperties{}, now); err == nil {
		t.Fatal("signed a token without a room")
	}
	if _, err := daily.SignMeetingToken(srv.APIKey, "", p, now); err == nil || !strings.HasPrefix(err.Error(), "domain id:") {
		t.Fatalf("empty domain id: err = %v", err)
	}
}
