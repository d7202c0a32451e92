package daily

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Webhooks lists the domain's webhooks (Daily allows one). Daily answers with an array;
// a {"data": […]} envelope is accepted too.
func (c *Client) Webhooks(ctx context.Context) ([]Webhook, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, "/webhooks", nil, nil, &raw); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, nil
	}
	var list []Webhook
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var page listPage[Webhook]
	if err := json.Unmarshal(raw, &page); err != nil {
		return nil, fmt.Errorf("daily: GET /webhooks: decoding response: %w", err)
	}
	return page.Data, nil
}

// Webhook reads one webhook.
func (c *Client) Webhook(ctx context.Context, uuid string) (*Webhook, error) {
	if uuid == "" {
		return nil, errors.New("webhook uuid: must not be empty")
	}
	var w Webhook
	if err := c.do(ctx, http.MethodGet, "/webhooks/"+url.PathEscape(uuid), nil, nil, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// CreateWebhook subscribes url to events. Daily first POSTs a test body to the url and
// refuses (400) unless it answers 200 within a few seconds.
func (c *Client) CreateWebhook(ctx context.Context, req WebhookRequest) (*Webhook, error) {
	if req.URL == "" {
		return nil, errors.New("url: must not be empty")
	}
	var w Webhook
	if err := c.do(ctx, http.MethodPost, "/webhooks", nil, req, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// UpdateWebhook changes a webhook (POST /webhooks/:uuid); it also re-activates a FAILED one.
func (c *Client) UpdateWebhook(ctx context.Context, uuid string, req WebhookRequest) (*Webhook, error) {
	if uuid == "" {
		return nil, errors.New("webhook uuid: must not be empty")
	}
	var w Webhook
	if err := c.do(ctx, http.MethodPost, "/webhooks/"+url.PathEscape(uuid), nil, req, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// DeleteWebhook deletes a webhook; Daily answers 200 with an empty body.
func (c *Client) DeleteWebhook(ctx context.Context, uuid string) error {
	if uuid == "" {
		return errors.New("webhook uuid: must not be empty")
	}
	return c.do(ctx, http.MethodDelete, "/webhooks/"+url.PathEscape(uuid), nil, nil, nil)
}
