package daily

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"regexp"
)

// RoomQuery pages through GET /rooms. Limit is the page size (at most 100), not a cap on
// the results.
type RoomQuery struct {
	Limit int
}

// invalidRoomChars matches what Daily refuses in a room name.
var invalidRoomChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// ValidateRoomName checks Daily's room-name rules: A-Z a-z 0-9 - _, at most 128 characters.
func ValidateRoomName(name string) error {
	switch {
	case name == "":
		return errors.New("room name: must not be empty")
	case len(name) > 128:
		return errors.New("room name: must be at most 128 characters")
	case invalidRoomChars.MatchString(name):
		return fmt.Errorf("room name: %q may only contain A-Z, a-z, 0-9, '-' and '_'", name)
	}
	return nil
}

// CreateRoom creates a room (POST /rooms). Room creation is not idempotent, so it is not
// retried on a 5xx; after a lost answer, look the room up by name.
func (c *Client) CreateRoom(ctx context.Context, req CreateRoomRequest) (*Room, error) {
	if req.Name != "" {
		if err := ValidateRoomName(req.Name); err != nil {
			return nil, err
		}
	}
	if s := req.Properties.SIP; s != nil && s.SIPMode != "" && s.SIPMode != "dial-in" {
		return nil, fmt.Errorf("properties.sip.sip_mode: must be \"dial-in\", not %q", s.SIPMode)
	}
	var r Room
	if err := c.do(ctx, http.MethodPost, "/rooms", nil, req, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Room reads a room by name.
func (c *Client) Room(ctx context.Context, name string) (*Room, error) {
	if err := ValidateRoomName(name); err != nil {
		return nil, err
	}
	var r Room
	if err := c.do(ctx, http.MethodGet, "/rooms/"+url.PathEscape(name), nil, nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Rooms lists the domain's rooms, newest first, page by page on the room id.
func (c *Client) Rooms(ctx context.Context, q RoomQuery) iter.Seq2[Room, error] {
	return paginate(ctx, c, "/rooms", nil, q.Limit, func(r Room) string { return r.ID })
}

// UpdateRoom sets properties of a room (POST /rooms/:name {"properties": …}).
func (c *Client) UpdateRoom(ctx context.Context, name string, props RoomProperties) (*Room, error) {
	if err := ValidateRoomName(name); err != nil {
		return nil, err
	}
	var r Room
	body := map[string]any{"properties": props}
	if err := c.do(ctx, http.MethodPost, "/rooms/"+url.PathEscape(name), nil, body, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteRoom deletes a room. Daily answers an expired room's delete with 404 and
// "deleted": true; that counts as deleted.
func (c *Client) DeleteRoom(ctx context.Context, name string) error {
	if err := ValidateRoomName(name); err != nil {
		return err
	}
	err := c.do(ctx, http.MethodDelete, "/rooms/"+url.PathEscape(name), nil, nil, nil)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound && ae.deleted {
		return nil
	}
	return err
}
