package dailytest_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// The emulator speaks Daily's REST API on loopback, so any HTTP client can drive it: here a
// route is set with a plain POST /, and a simulated call reaches the route's webhook as
// Daily's would.
func Example() {
	emu, err := dailytest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()
	emu.SeedPurchased("+14155550100", time.Now().Add(-30*24*time.Hour))

	// The bot's side: Daily's dial-in webhook. The first POST is Daily's check of the new
	// route ({"test":"test"}); the calls follow.
	calls := make(chan map[string]any, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body["callId"] != nil {
			select {
			case calls <- body:
			default: // a repeated delivery: the example needs the first
			}
		}
		w.Write([]byte(`{}`))
	}))
	defer hook.Close()

	route := `{"properties":{"pinless_dialin":[{"phone_number":"+14155550100","room_creation_api":"` + hook.URL + `"}]}}`
	req, _ := http.NewRequest(http.MethodPost, emu.URL+"/", strings.NewReader(route))
	req.Header.Set("Authorization", "Bearer "+emu.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("POST /:", resp.Status)

	id, err := emu.PlaceCall(dailytest.CallSpec{To: "+14155550100", From: "+15550001111"})
	if err != nil {
		log.Fatal(err)
	}
	call := <-calls
	fmt.Println("webhook:", call["To"], "from", call["From"], "callId matches:", call["callId"] == id)

	rec, err := emu.Hangup(id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("call:", rec.State)
	// Output:
	// POST /: 200 OK
	// webhook: +14155550100 from +15550001111 callId matches: true
	// call: ended
}
