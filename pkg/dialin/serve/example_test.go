package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// The engine in front of the emulator: a call to a routed number reaches serve's webhook, and
// serve creates the call's room and token and hands the call to a bot runner over HTTP. The
// engine prints nothing; its Sink reports each step.
func Example() {
	emu, err := dailytest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()
	client := daily.New(emu.APIKey, daily.WithBaseURL(emu.URL))

	// The bot runner: serve POSTs it the call (room_url, token, call_id, from, to, …).
	handed := make(chan map[string]any, 1)
	runner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var call map[string]any
		_ = json.NewDecoder(r.Body).Decode(&call)
		select {
		case handed <- call:
		default:
		}
	}))
	defer runner.Close()

	steps := make(chan serve.EventKind, 16)
	cfg := &serveconfig.Config{Default: &rules.Rule{Bot: rules.Bot{URL: runner.URL}}}
	srv, err := serve.New(cfg, serve.Deps{Client: client, APIKey: emu.APIKey,
		Sink: serve.SinkFunc(func(e serve.Event) {
			if e.CallID == "" { // Daily's check of the route has none
				return
			}
			select { // a Sink must return quickly
			case steps <- e.Kind:
			default:
			}
		})})
	if err != nil {
		log.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	// Route a number to serve's webhook; Daily (here the emulator) generates its hmac, which
	// serve reads from the domain when it starts.
	const number = "+14155550100"
	emu.SeedPurchased(number, time.Now().Add(-30*24*time.Hour))
	ctx := context.Background()
	_, err = client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{
		PhoneNumber: number, RoomCreationAPI: hs.URL + srv.Config().WebhookPath}})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		log.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()

	id, err := emu.PlaceCall(dailytest.CallSpec{To: number, From: "+15550001111"})
	if err != nil {
		log.Fatal(err)
	}
	for kind := range steps {
		fmt.Println("step:", kind)
		if kind == serve.EventBotStarted {
			break
		}
	}
	call := <-handed
	fmt.Println("runner got call:", call["call_id"] == id, "from", call["from"])
	fmt.Println("with a room and a token:", strings.HasPrefix(call["room_url"].(string), "https://"), call["token"] != "")
	// Output:
	// step: received
	// step: admitted
	// step: room_created
	// step: token
	// step: bot_started
	// runner got call: true from +15550001111
	// with a room and a token: true true
}
