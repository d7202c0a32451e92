package control

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// PlaceRequest is the body of POST /_emulator/calls: a call to a number (To) or to a pinless
// entry's SIP URI (SIPURI, without "sip:").
type PlaceRequest struct {
	To         string            `json:"to,omitempty"`
	From       string            `json:"from,omitempty"`
	SIPHeaders map[string]string `json:"sip_headers,omitempty"`
	SIPURI     string            `json:"sip_uri,omitempty"`
}

// PlaceCall makes the emulator receive a call: it delivers the signed dial-in webhook to the
// route's URL and holds the call. It returns the call's id.
func (c *Client) PlaceCall(ctx context.Context, req PlaceRequest) (string, error) {
	var out struct {
		CallID string `json:"call_id"`
	}
	if err := c.do(ctx, http.MethodPost, "/_emulator/calls", nil, c.apiKey, req, &out); err != nil {
		return "", fmt.Errorf("placing the call: %w", err)
	}
	return out.CallID, nil
}

// Calls lists every call the emulator has seen, oldest first.
func (c *Client) Calls(ctx context.Context) ([]dailytest.CallRecord, error) {
	var out struct {
		Calls []dailytest.CallRecord `json:"calls"`
	}
	err := c.do(ctx, http.MethodGet, "/_emulator/calls", nil, c.apiKey, nil, &out)
	return out.Calls, err
}

// Call returns the call's record as it is now.
func (c *Client) Call(ctx context.Context, id string) (dailytest.CallRecord, error) {
	return c.WaitCall(ctx, id, 0)
}

// WaitCall returns the call's record once it is in one of the states until, or when wait
// (at most 60 s at the emulator) has passed, whichever comes first. With wait 0 or no
// states it answers at once. ctx should allow longer than wait.
func (c *Client) WaitCall(ctx context.Context, id string, wait time.Duration, until ...string) (dailytest.CallRecord, error) {
	q := url.Values{}
	if wait > 0 && len(until) > 0 {
		q.Set("until", strings.Join(until, ","))
		q.Set("wait", wait.String())
	}
	var rec dailytest.CallRecord
	err := c.do(ctx, http.MethodGet, "/_emulator/calls/"+url.PathEscape(id), q, c.apiKey, nil, &rec)
	return rec, err
}

// Mark adds a moment a bot reports (bot_started, …) to the call's timeline.
func (c *Client) Mark(ctx context.Context, id, name, detail string) error {
	body := map[string]string{"name": name, "detail": detail}
	return c.do(ctx, http.MethodPost, "/_emulator/calls/"+url.PathEscape(id)+"/mark", nil, c.apiKey, body, nil)
}

// Hangup makes the caller hang up a held or connected call, and returns its record.
func (c *Client) Hangup(ctx context.Context, id string) (dailytest.CallRecord, error) {
	var rec dailytest.CallRecord
	err := c.do(ctx, http.MethodPost, "/_emulator/calls/"+url.PathEscape(id)+"/hangup", nil, c.apiKey, nil, &rec)
	return rec, err
}

// Advance moves the emulator's clock forward by d and returns its time after the move.
func (c *Client) Advance(ctx context.Context, d time.Duration) (time.Time, error) {
	var out struct {
		Now time.Time `json:"now"`
	}
	err := c.do(ctx, http.MethodPost, "/_emulator/clock", nil, c.apiKey, map[string]float64{"advance_s": d.Seconds()}, &out)
	return out.Now, err
}

// Now reads the emulator's clock. A bot that waits for its call reads it during its start-up
// to open its connection to the emulator before the call comes.
func (c *Client) Now(ctx context.Context) (time.Time, error) {
	var out struct {
		Now time.Time `json:"now"`
	}
	err := c.do(ctx, http.MethodGet, "/_emulator/clock", nil, c.apiKey, nil, &out)
	return out.Now, err
}
