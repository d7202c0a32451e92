package daily

import (
	"context"
	"errors"
	"net/http"
)

// CreateRoomFields creates a room (POST /rooms) from properties as they are (Daily's names;
// values anything encoding/json accepts). Unlike CreateRoom it sends what RoomProperties
// cannot carry, such as Pipecat's fractional "exp" (time.time() + 3600), exactly as given.
// An empty name lets Daily make one up. Like CreateRoom it is not retried on a 5xx.
func (c *Client) CreateRoomFields(ctx context.Context, name string, properties map[string]any) (*Room, error) {
	body := map[string]any{"properties": properties}
	if name != "" {
		if err := ValidateRoomName(name); err != nil {
			return nil, err
		}
		body["name"] = name
	}
	var r Room
	if err := c.do(ctx, http.MethodPost, "/rooms", nil, body, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateMeetingTokenFields asks Daily for a meeting token from properties as they are.
// "room_name" is required, for the reason CreateMeetingToken gives.
func (c *Client) CreateMeetingTokenFields(ctx context.Context, properties map[string]any) (string, error) {
	if s, _ := properties["room_name"].(string); s == "" {
		return "", errors.New("meeting token: properties.room_name must name the room")
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := c.do(ctx, http.MethodPost, "/meeting-tokens", nil, map[string]any{"properties": properties}, &out); err != nil {
		return "", err
	}
	if out.Token == "" {
		return "", errors.New("daily: POST /meeting-tokens: the answer held no token")
	}
	return out.Token, nil
}
