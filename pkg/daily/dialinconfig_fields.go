package daily

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
)

// PinlessDialinConfig is a /domain-dialin-config object whose config is read as a
// pinless_dialin entry: fields the client does not model are kept, and an unchanged config
// marshals back to the bytes Daily sent. dialin's per-entry route store works on these.
type PinlessDialinConfig struct {
	ID     string             `json:"id"`
	Type   string             `json:"type"`
	Config PinlessDialinEntry `json:"config"`
}

// PinlessDialinConfigs lists the configs of type pinless_dialin, newest first (Daily's
// order), 100 per page.
func (c *Client) PinlessDialinConfigs(ctx context.Context) iter.Seq2[PinlessDialinConfig, error] {
	v := url.Values{}
	v.Set("type", "pinless_dialin")
	return paginate(ctx, c, "/domain-dialin-config", v, 100, func(d PinlessDialinConfig) string { return d.ID })
}

// CreateDialinConfigFields creates a dial-in config of type typ from fields as they are
// (Daily's field names; values anything encoding/json accepts, json.RawMessage included).
// Unlike CreateDialinConfig it can send fields the request type does not model.
func (c *Client) CreateDialinConfigFields(ctx context.Context, typ string, fields map[string]any) (*PinlessDialinConfig, error) {
	if typ != "pinless_dialin" && typ != "pin_dialin" {
		return nil, errors.New(`dial-in config type: must be "pinless_dialin" or "pin_dialin"`)
	}
	body := make(map[string]any, len(fields)+1)
	for k, v := range fields {
		body[k] = v
	}
	body["type"] = typ
	var d PinlessDialinConfig
	if err := c.doOnce(ctx, http.MethodPost, "/domain-dialin-config", nil, body, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// UpdateDialinConfigFields changes the given fields of a dial-in config (PUT) and leaves the
// others alone. A nil value is sent as JSON null, which removes the field: UpdateDialinConfig
// cannot express that, because its request type leaves empty fields out. "type" is never
// sent (a config cannot change type).
func (c *Client) UpdateDialinConfigFields(ctx context.Context, id string, fields map[string]any) (*PinlessDialinConfig, error) {
	if id == "" {
		return nil, errors.New("dial-in config id: must not be empty")
	}
	body := make(map[string]any, len(fields))
	for k, v := range fields {
		if k != "type" {
			body[k] = v
		}
	}
	var d PinlessDialinConfig
	if err := c.doOnce(ctx, http.MethodPut, "/domain-dialin-config/"+url.PathEscape(id), nil, body, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
