package daily_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// A room and a token made the way Pipecat makes them — "exp": time.time() + 3600, and
// 1796595609.0 from other code — are read back by the client from the emulator, which
// echoes the numbers as sent.
func TestClientReadsRoomsAndTokensPipecatMade(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	client, _ := newClient(t, srv, daily.WithoutRateLimit())
	ctx := testContext(t)
	exp := time.Now().Add(time.Hour).Unix()
	post := func(path, body string) []byte {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, buf.String())
		}
		return buf.Bytes()
	}
	post("/rooms", fmt.Sprintf(`{"name":"pipecat","properties":{"exp":%d.6178238,"eject_at_room_exp":true,"eject_after_elapsed":300.5,`+
		`"sip":{"display_name":"+15550001111","sip_mode":"dial-in","video":false,"num_endpoints":1.0}}}`, exp))
	post("/rooms", fmt.Sprintf(`{"name":"whole","properties":{"exp":%d.0,"nbf":%d.0,"max_participants":2.0}}`, exp, exp-7200))

	room, err := client.Room(ctx, "pipecat")
	if err != nil || room.Config.Exp != exp || room.Config.EjectAfterElapsed != 300 || room.Config.SIP.NumEndpoints != 1 || len(room.Config.SIPURI.Endpoints()) != 1 {
		t.Fatalf("GET /rooms/pipecat: %+v, %v", room, err)
	}
	seen := map[string]daily.RoomConfig{}
	for r, err := range client.Rooms(ctx, daily.RoomQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[r.Name] = r.Config
	}
	if len(seen) != 2 || seen["pipecat"].Exp != exp || seen["whole"].Exp != exp || seen["whole"].Nbf != exp-7200 || seen["whole"].MaxParticipants != 2 {
		t.Fatalf("GET /rooms: %+v", seen)
	}

	token := string(post("/meeting-tokens", fmt.Sprintf(`{"properties":{"room_name":"pipecat","exp":%d.25,"eject_after_elapsed":60.0}}`, exp)))
	token = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(token), `{"token":"`), `"}`)
	props, err := client.ValidateMeetingToken(ctx, token)
	if err != nil || props["room_name"] != "pipecat" || props["exp"] != float64(exp)+0.25 {
		t.Fatalf("GET /meeting-tokens: %v, %v", props, err)
	}
}
