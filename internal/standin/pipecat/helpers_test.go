package pipecat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/standin/pipecat"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// heldCall is a call the emulator placed and whose dial-in webhook a test's own handler
// took (answering 200 and starting nothing), as serve would before calling /start.
type heldCall struct {
	ID, Domain, From, To string
}

// routeNumber buys a number in the emulator and routes it to hook.
func routeNumber(t *testing.T, s *dailytest.Server, hook string) string {
	t.Helper()
	client := daily.New(s.APIKey, daily.WithBaseURL(s.URL), daily.WithoutRateLimit())
	ctx := context.Background()
	num, err := client.BuyNumber(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{PhoneNumber: num.Number, RoomCreationAPI: hook}}); err != nil {
		t.Fatal(err)
	}
	return num.Number
}

// holdingCall places a call whose webhook reaches a handler that only records it.
func holdingCall(t *testing.T) (*dailytest.Server, heldCall) {
	t.Helper()
	got := make(chan heldCall, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct{ From, To, CallID, CallDomain string }
		if json.NewDecoder(r.Body).Decode(&b) == nil && b.CallID != "" {
			got <- heldCall{ID: b.CallID, Domain: b.CallDomain, From: b.From, To: b.To}
		}
	}))
	t.Cleanup(hook.Close)
	s := dailytest.New(t, dailytest.WithoutRateLimit())
	number := routeNumber(t, s, hook.URL)
	if _, err := s.PlaceCall(dailytest.CallSpec{To: number, From: "+15550001111"}); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-got:
		return s, c
	case <-time.After(5 * time.Second):
		t.Fatal("the call's webhook never came")
		return nil, heldCall{}
	}
}

// startBody is a /start body for c as serve sends it; mutate edits the DailyDialinRequest.
func startBody(s *dailytest.Server, c heldCall, mutate func(body map[string]any)) map[string]any {
	body := map[string]any{
		"dialin_settings": map[string]any{"call_id": c.ID, "call_domain": c.Domain, "To": c.To, "From": c.From},
		"daily_api_key":   s.APIKey, "daily_api_url": s.URL,
	}
	if mutate != nil {
		mutate(body)
	}
	return map[string]any{
		"createDailyRoom": true,
		"dailyRoomProperties": map[string]any{
			"sip": map[string]any{"display_name": c.From, "sip_mode": "dial-in", "num_endpoints": 1, "codecs": map[string]any{"audio": []string{"OPUS"}}},
		},
		"body": body,
	}
}

// post sends body as JSON with an optional Bearer key and decodes the JSON answer.
func post(t *testing.T, url, key string, body any) (int, map[string]any) {
	t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("answer %d is not JSON: %s", resp.StatusCode, raw)
	}
	return resp.StatusCode, m
}

func waitDone(t *testing.T, sess *pipecat.Session) {
	t.Helper()
	select {
	case <-sess.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the bot never left")
	}
}

// roomExp is the exp the emulator stored for room, as raw JSON text.
func roomExp(t *testing.T, s *dailytest.Server, room string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+"/rooms/"+room, nil)
	req.Header.Set("Authorization", "Bearer "+s.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Config map[string]json.RawMessage `json:"config"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET room %s: %d %v", room, resp.StatusCode, err)
	}
	return string(r.Config["exp"])
}

func runnerConfig(s *dailytest.Server) pipecat.Config {
	return pipecat.Config{DailyAPIURL: s.URL, DailyAPIKey: s.APIKey, Dialin: true}
}
