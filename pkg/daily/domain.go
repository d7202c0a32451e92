package daily

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
)

// Domain reads the domain and its configuration (GET /).
func (c *Client) Domain(ctx context.Context) (*Domain, error) {
	var d Domain
	if err := c.do(ctx, http.MethodGet, "/", nil, nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// UpdateDomain sets domain properties (POST / {"properties": …}); a nil value resets a
// property to its default. Setting pinless_dialin here replaces the whole array: prefer
// SetPinlessDialin after a read. A write of pinless_dialin is sent once (see SetPinlessDialin).
func (c *Client) UpdateDomain(ctx context.Context, properties map[string]any) (*Domain, error) {
	if properties == nil {
		properties = map[string]any{}
	}
	var d Domain
	body := map[string]any{"properties": properties}
	send := c.do
	if _, ok := properties["pinless_dialin"]; ok {
		send = c.doOnce
	}
	if err := send(ctx, http.MethodPost, "/", nil, body, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// SetPinlessDialin replaces the domain's pinless_dialin array with entries (POST /).
// Daily keeps only what is sent, and rotates the hmac of an entry sent without one, so
// entries must be the full array as read, plus the change. Entries read from Daily and left
// unchanged are written back byte for byte; an empty slice clears the array.
//
// It is sent once: a 429, a 5xx or a lost answer is returned, never re-sent, because after
// a wait the array may have changed and re-sending it would undo another writer's change.
// Retrying is the caller's job, after reading the array again (pkg/dialin/routes.Writer).
// The error of a 429 carries Retry-After in APIError.RetryAfter.
func (c *Client) SetPinlessDialin(ctx context.Context, entries []PinlessDialinEntry) (*Domain, error) {
	// Built by hand: encoding/json would re-compact (and HTML-escape) each entry's raw bytes.
	var buf bytes.Buffer
	buf.WriteString(`{"properties":{"pinless_dialin":[`)
	for i, e := range entries {
		b, err := e.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("daily: pinless_dialin[%d] (%s): %w", i, e.Key(), err)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b)
	}
	buf.WriteString(`]}}`)
	var d Domain
	if err := c.doOnce(ctx, http.MethodPost, "/", nil, buf.Bytes(), &d); err != nil {
		return nil, err
	}
	return &d, nil
}
