package daily

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
)

// DialinConfigQuery filters GET /domain-dialin-config. Limit is the page size (Daily's
// maximum is 100), not a cap on the results.
type DialinConfigQuery struct {
	Type        string // "pinless_dialin" or "pin_dialin"
	PhoneNumber string
	NamePrefix  string
	SIPUsername string // the user part of the SIP URI
	Limit       int
}

// DialinConfigRequest is the body of POST /domain-dialin-config and PUT /domain-dialin-config/:id.
// Type is required on create and never sent on update (a config cannot change type).
type DialinConfigRequest struct {
	Type            string         `json:"type,omitempty"`
	PhoneNumber     string         `json:"phone_number,omitempty"`
	NamePrefix      string         `json:"name_prefix,omitempty"`
	HMAC            string         `json:"hmac,omitempty"`
	RoomCreationAPI string         `json:"room_creation_api,omitempty"`
	HoldMusicURL    string         `json:"hold_music_url,omitempty"`
	TimeoutConfig   *TimeoutConfig `json:"timeout_config,omitempty"`
	IVRGreeting     *TimeoutConfig `json:"ivr_greeting,omitempty"`
}

// DialinConfigs lists the dial-in configs, newest first, page by page.
func (c *Client) DialinConfigs(ctx context.Context, q DialinConfigQuery) iter.Seq2[DialinConfig, error] {
	v := url.Values{}
	setIf(v, "type", q.Type)
	setIf(v, "phone_number", q.PhoneNumber)
	setIf(v, "name_prefix", q.NamePrefix)
	setIf(v, "sip_username", q.SIPUsername)
	return paginate(ctx, c, "/domain-dialin-config", v, q.Limit, func(d DialinConfig) string { return d.ID })
}

// DialinConfig reads one dial-in config.
func (c *Client) DialinConfig(ctx context.Context, id string) (*DialinConfig, error) {
	if id == "" {
		return nil, errors.New("dial-in config id: must not be empty")
	}
	var d DialinConfig
	if err := c.do(ctx, http.MethodGet, "/domain-dialin-config/"+url.PathEscape(id), nil, nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// CreateDialinConfig creates a dial-in config; Daily generates the hmac when none is given.
func (c *Client) CreateDialinConfig(ctx context.Context, req DialinConfigRequest) (*DialinConfig, error) {
	if req.Type != "pinless_dialin" && req.Type != "pin_dialin" {
		return nil, errors.New(`dial-in config type: must be "pinless_dialin" or "pin_dialin"`)
	}
	var d DialinConfig
	if err := c.doOnce(ctx, http.MethodPost, "/domain-dialin-config", nil, req, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// UpdateDialinConfig changes a dial-in config (PUT); req.Type is ignored.
func (c *Client) UpdateDialinConfig(ctx context.Context, id string, req DialinConfigRequest) (*DialinConfig, error) {
	if id == "" {
		return nil, errors.New("dial-in config id: must not be empty")
	}
	req.Type = ""
	var d DialinConfig
	if err := c.doOnce(ctx, http.MethodPut, "/domain-dialin-config/"+url.PathEscape(id), nil, req, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// DeleteDialinConfig deletes a dial-in config.
func (c *Client) DeleteDialinConfig(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("dial-in config id: must not be empty")
	}
	return c.doOnce(ctx, http.MethodDelete, "/domain-dialin-config/"+url.PathEscape(id), nil, nil, nil)
}
