package testbot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// takeCall does what a telephony bot does with the emulator: report that it was handed the
// call, join the room with its meeting token, wait until a SIP endpoint is ready, and — when
// it was given an API key (serve's patch: bot mode) — patch the call into that endpoint.
func takeCall(rec *Record) {
	api := strings.TrimSuffix(os.Getenv("DAILY_API_URL"), "/")
	root := strings.TrimSuffix(api, "/v1")
	key := os.Getenv("DAILY_API_KEY")
	token := os.Getenv("DIALIN_TOKEN")
	callID := os.Getenv("DIALIN_CALL_ID")
	roomURL := os.Getenv("DIALIN_ROOM_URL")
	room := roomURL[strings.LastIndexByte(roomURL, '/')+1:]
	fail := func(format string, a ...any) { rec.Problems = append(rec.Problems, fmt.Sprintf(format, a...)) }

	if key != "" {
		if _, err := call("POST", root+"/_emulator/calls/"+callID+"/mark", key, map[string]string{"name": "bot_started"}); err != nil {
			fail("mark: %v", err)
		}
	}
	if _, err := call("POST", root+"/_emulator/rooms/"+room+"/join", token, map[string]string{}); err != nil {
		fail("join: %v", err)
		return
	}
	body, err := call("GET", root+"/_emulator/rooms/"+room+"/ready?wait=10s", token, nil)
	if err != nil {
		fail("ready: %v", err)
		return
	}
	var ready struct{ Ready []string }
	if err := json.Unmarshal(body, &ready); err != nil || len(ready.Ready) == 0 {
		fail("ready: %s", body)
		return
	}
	rec.Ready = ready.Ready
	if key == "" {
		return
	}
	_, err = call("POST", api+"/dialin/pinlessCallUpdate", key, map[string]string{
		"callId": callID, "callDomain": os.Getenv("DIALIN_CALL_DOMAIN"), "sipUri": ready.Ready[0],
	})
	if err != nil {
		fail("pinlessCallUpdate: %v", err)
		return
	}
	rec.Patched = true
}

func call(method, url, bearer string, body any) ([]byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Content-Type", "application/json")
	c := &http.Client{Timeout: 15 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return b, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	return b, nil
}
