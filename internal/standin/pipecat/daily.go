package pipecat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// This file is the stand-ins' only talk with Daily's REST API (the emulator): a room as
// pipecat.runner.daily.configure makes it, and its meeting token. Raw JSON, because the
// room's exp is a fraction that Go's int64 room properties cannot carry.

// dailyAPI is DAILY_API_URL and DAILY_API_KEY as the runner reads them.
type dailyAPI struct {
	url, key string
	http     *http.Client
}

// pipecatExp is configure()'s exp: time.time() + hours*3600, a fractional number of seconds.
func pipecatExp(now time.Time, hours float64) float64 {
	return float64(now.UnixNano())/1e9 + hours*3600
}

// roomProperties is what configure() sends: exp and eject_at_room_exp, with the SIP dial-in
// settings when a caller's number is given (sip_caller_phone), then the caller's own
// dailyRoomProperties on top.
func roomProperties(now time.Time, hours float64, sipCaller string, extra map[string]any) map[string]any {
	props := map[string]any{"exp": pipecatExp(now, hours), "eject_at_room_exp": true}
	if sipCaller != "" {
		props["sip"] = map[string]any{"display_name": sipCaller, "sip_mode": "dial-in", "num_endpoints": 1, "video": false}
	}
	for k, v := range extra {
		props[k] = v
	}
	return props
}

// createRoom creates a room with Daily's generated name and answers its URL.
func (d dailyAPI) createRoom(ctx context.Context, props map[string]any) (name, roomURL string, err error) {
	var room struct{ Name, URL string }
	if err := d.post(ctx, "/rooms", map[string]any{"properties": props}, &room); err != nil {
		return "", "", fmt.Errorf("creating the room: %w", err)
	}
	return room.Name, room.URL, nil
}

// createToken makes a meeting token for room, with the caller's token properties on top.
func (d dailyAPI) createToken(ctx context.Context, room string, now time.Time, hours float64, extra map[string]any) (string, error) {
	props := map[string]any{"room_name": room, "exp": int64(pipecatExp(now, hours))}
	for k, v := range extra {
		props[k] = v
	}
	var tok struct{ Token string }
	if err := d.post(ctx, "/meeting-tokens", map[string]any{"properties": props}, &tok); err != nil {
		return "", fmt.Errorf("creating the meeting token: %w", err)
	}
	return tok.Token, nil
}

// post sends body to Daily and decodes a 200 answer; errors carry Daily's status and info,
// never the key.
func (d dailyAPI) post(ctx context.Context, path string, body, out any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(d.url, "/")+path, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+d.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.http.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return fmt.Errorf("POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("POST %s: reading the answer: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error, Info string }
		_ = json.Unmarshal(answer, &e)
		return fmt.Errorf("POST %s: HTTP %d %s: %s", path, resp.StatusCode, e.Error, e.Info)
	}
	return json.Unmarshal(answer, out)
}
