package daily

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// CreateMeetingToken asks Daily for a meeting token (POST /meeting-tokens). RoomName is
// required: a token without it would admit its holder to every room of the domain.
func (c *Client) CreateMeetingToken(ctx context.Context, p MeetingTokenProperties) (string, error) {
	if err := validateTokenProperties(p); err != nil {
		return "", err
	}
	var out struct {
		Token string `json:"token"`
	}
	body := map[string]any{"properties": p}
	if err := c.do(ctx, http.MethodPost, "/meeting-tokens", nil, body, &out); err != nil {
		return "", err
	}
	if out.Token == "" {
		return "", errors.New("daily: POST /meeting-tokens: the answer held no token")
	}
	return out.Token, nil
}

// ValidateMeetingToken asks Daily whether token is valid and returns its properties.
func (c *Client) ValidateMeetingToken(ctx context.Context, token string) (map[string]any, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, errors.New("meeting token: must not be empty")
	}
	var out map[string]any
	if err := c.do(ctx, http.MethodGet, "/meeting-tokens/"+url.PathEscape(token), nil, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func validateTokenProperties(p MeetingTokenProperties) error {
	switch {
	case strings.TrimSpace(p.RoomName) == "":
		return errors.New("room_name: must not be empty (a token without it works for every room)")
	case len(p.UserID) > 36:
		return errors.New("user_id: must be at most 36 characters")
	case p.Exp < 0 || p.Nbf < 0 || p.EjectAfterElapsed < 0:
		return errors.New("exp, nbf, eject_after_elapsed: must not be negative")
	case p.Exp != 0 && p.Nbf != 0 && p.Exp <= p.Nbf:
		return errors.New("exp: must be after nbf")
	}
	return nil
}
