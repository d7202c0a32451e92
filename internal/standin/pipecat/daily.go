package pipecat

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// This file is the stand-ins' talk with Daily's REST API (the emulator) as
// pipecat.runner.daily.configure does it: a room and its meeting token, sent through
// pkg/daily's raw-property calls because the room's exp is a fraction that the typed room
// properties cannot carry.

// dailyAPI is DAILY_API_URL and DAILY_API_KEY as the runner reads them.
type dailyAPI struct{ client *daily.Client }

// newDailyAPI makes the client as Pipecat's aiohttp calls behave: one attempt, no client-side
// rate limit (Daily's own limits still answer 429).
func newDailyAPI(apiURL, key string, httpClient *http.Client) dailyAPI {
	return dailyAPI{client: daily.New(key, daily.WithBaseURL(apiURL), daily.WithHTTPClient(httpClient),
		daily.WithRetryPolicy(daily.RetryPolicy{MaxAttempts: 1}), daily.WithoutRateLimit())}
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
	room, err := d.client.CreateRoomFields(ctx, "", props)
	if err != nil {
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
	tok, err := d.client.CreateMeetingTokenFields(ctx, props)
	if err != nil {
		return "", fmt.Errorf("creating the meeting token: %w", err)
	}
	return tok, nil
}
