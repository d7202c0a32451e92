package daily_test

import (
	"testing"

	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// A room made the way Pipecat's configure() makes it — a fractional exp and a SIP block
// from a plain map — is created as sent and read back, and its token names the room.
func TestCreateRoomFieldsSendsPipecatProperties(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	// An hour ahead of the emulator's clock, with a fraction, as time.time() + 3600 is.
	whole := srv.Clock().Now().Unix() + 3600
	props := map[string]any{
		"exp": float64(whole) + 0.6178238, "eject_at_room_exp": true,
		"sip": map[string]any{"display_name": "+15551230000", "sip_mode": "dial-in", "num_endpoints": 1, "video": false},
	}
	room, err := c.CreateRoomFields(ctx, "", props)
	if err != nil {
		t.Fatal(err)
	}
	if room.Name == "" || room.URL == "" {
		t.Fatalf("room %+v: want Daily's generated name and its URL", room)
	}
	got, err := c.Room(ctx, room.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got.Config.Exp != whole || !got.Config.EjectAtRoomExp {
		t.Errorf("exp %d eject_at_room_exp %v: want %d true", got.Config.Exp, got.Config.EjectAtRoomExp, whole)
	}
	if got.Config.SIP == nil || got.Config.SIP.DisplayName != "+15551230000" {
		t.Errorf("sip %+v: want the caller as display_name", got.Config.SIP)
	}
	tok, err := c.CreateMeetingTokenFields(ctx, map[string]any{"room_name": room.Name, "exp": whole})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := c.ValidateMeetingToken(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if claims["room_name"] != room.Name {
		t.Errorf("token properties %v: want room_name %q", claims, room.Name)
	}
}

// A token without a room would admit its holder to every room: refused before any request.
func TestCreateMeetingTokenFieldsNeedsRoom(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	if _, err := c.CreateMeetingTokenFields(testContext(t), map[string]any{"exp": 1}); err == nil {
		t.Fatal("want an error naming room_name")
	}
}
