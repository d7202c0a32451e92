package daily_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestUpdateDialinConfigFieldsSendsNulls(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	hook := newHookReceiver(t)
	number := "+14155550302"
	srv.SeedPurchased(number, time.Now())

	created := must(c.CreateDialinConfigFields(ctx, "pinless_dialin", map[string]any{
		"phone_number": number, "room_creation_api": hook.URL + "/dialin", "name_prefix": "support",
		"hold_music_url": "https://cdn.example.com/hold.mp3",
		"timeout_config": map[string]string{"message": "nobody home"},
		"x_future":       json.RawMessage(`{"keep":[1,2]}`),
	}))(t)
	if created.ID == "" || created.Type != "pinless_dialin" || created.Config.HMAC == "" ||
		string(created.Config.Extra["x_future"]) != `{"keep":[1,2]}` {
		t.Fatalf("created %+v", created)
	}
	secret := created.Config.HMAC

	upd := must(c.UpdateDialinConfigFields(ctx, created.ID, map[string]any{
		"hold_music_url": nil, "timeout_config": nil, "name_prefix": "sales", "type": "pin_dialin",
	}))(t)
	got := upd.Config
	if got.HoldMusicURL != "" || got.TimeoutConfig != nil {
		t.Fatalf("null did not remove the fields: %+v", got)
	}
	if got.NamePrefix != "sales" || got.PhoneNumber != number || got.HMAC != secret ||
		got.RoomCreationAPI != hook.URL+"/dialin" || string(got.Extra["x_future"]) != `{"keep":[1,2]}` {
		t.Fatalf("fields not sent were changed: %+v", got)
	}
	if upd.Type != "pinless_dialin" {
		t.Fatalf("type changed to %q (type must never be sent)", upd.Type)
	}

	// A pin config is not a pinless entry: the list leaves it out.
	pin := "+14155550303"
	srv.SeedPurchased(pin, time.Now())
	must(c.CreateDialinConfigFields(ctx, "pin_dialin", map[string]any{"phone_number": pin}))(t)
	list := must(daily.Collect(c.PinlessDialinConfigs(ctx)))(t)
	if len(list) != 1 || list[0].ID != created.ID {
		t.Fatalf("pinless configs = %+v", list)
	}
	// The entry read from the list marshals back to what Daily sent, unknown field included.
	b := must(json.Marshal(list[0].Config))(t)
	if !strings.Contains(string(b), `"x_future":{"keep":[1,2]}`) || !strings.Contains(string(b), `"sip_uri":`) {
		t.Fatalf("entry bytes %s", b)
	}

	if _, err := c.UpdateDialinConfigFields(ctx, "", nil); err == nil {
		t.Fatal("empty id accepted")
	}
	if _, err := c.CreateDialinConfigFields(ctx, "pinless", nil); err == nil || !strings.HasPrefix(err.Error(), "dial-in config type:") {
		t.Fatalf("bad type: err = %v", err)
	}
	if _, err := c.UpdateDialinConfigFields(ctx, "no-such-id", map[string]any{"name_prefix": "x"}); !daily.IsNotFound(err) {
		t.Fatalf("unknown id: err = %v", err)
	}
}
