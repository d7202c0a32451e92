package timeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Emulator talks to a Daily emulator's control endpoints (/_emulator/calls…) out of
// process, with its API key.
type Emulator struct {
	Root   string // the emulator's root URL, without /v1
	APIKey string
	HTTP   *http.Client // nil: a client with a 90 s timeout (long polls last up to 60 s)
}

// RootURL turns an emulator URL as users have it (DAILY_API_URL, ending in /v1, or the
// root) into the root of its control endpoints.
func RootURL(apiURL string) string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimRight(apiURL, "/"), "/v1"), "/")
}

// PlaceRequest is the body of POST /_emulator/calls.
type PlaceRequest struct {
	To         string            `json:"to,omitempty"`
	From       string            `json:"from,omitempty"`
	SIPHeaders map[string]string `json:"sip_headers,omitempty"`
	SIPURI     string            `json:"sip_uri,omitempty"`
}

// Place makes the emulator receive a call: it delivers the signed dial-in webhook to the
// route's URL and holds the call. It returns the call's id.
func (e *Emulator) Place(ctx context.Context, req PlaceRequest) (string, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	var out struct {
		CallID string `json:"call_id"`
	}
	if err := e.do(ctx, http.MethodPost, "/_emulator/calls", b, &out); err != nil {
		return "", fmt.Errorf("placing the call: %w", err)
	}
	return out.CallID, nil
}

// Get returns the call's record; with wait > 0 the emulator holds the answer until the call
// is in one of until, or wait has passed.
func (e *Emulator) Get(ctx context.Context, id string, until []string, wait time.Duration) (Call, error) {
	q := url.Values{}
	if wait > 0 {
		q.Set("until", strings.Join(until, ","))
		q.Set("wait", wait.String())
	}
	path := "/_emulator/calls/" + url.PathEscape(id)
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var c Call
	err := e.do(ctx, http.MethodGet, path, nil, &c)
	return c, err
}

// Hangup ends the call as if the caller hung up, and returns its record.
func (e *Emulator) Hangup(ctx context.Context, id string) (Call, error) {
	var c Call
	err := e.do(ctx, http.MethodPost, "/_emulator/calls/"+url.PathEscape(id)+"/hangup", []byte("{}"), &c)
	return c, err
}

// Follow polls the call until it has its outcome (Done) or ctx ends, calling onMark once
// for each mark as it appears. The emulator adds some marks late with their real times
// (room_created, bot_joined and ready are known only when the call connects), so a mark
// may come after one with a later time. It returns the last record.
func (e *Emulator) Follow(ctx context.Context, id string, onMark func(Call, Mark)) (Call, error) {
	type key struct {
		name, detail string
		at           int64
	}
	seen := map[key]bool{}
	for {
		c, err := e.Get(ctx, id, Final, time.Second)
		if err != nil {
			return c, err
		}
		for _, m := range c.Timeline {
			k := key{m.Name, m.Detail, m.At.UnixNano()}
			if !seen[k] && onMark != nil {
				onMark(c, m)
			}
			seen[k] = true
		}
		if c.Done() {
			return c, nil
		}
		if err := ctx.Err(); err != nil {
			return c, err
		}
	}
}

func (e *Emulator) do(ctx context.Context, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, e.Root+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+e.APIKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := e.HTTP
	if client == nil {
		client = &http.Client{Timeout: 90 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("the emulator at %s: %w", e.Root, unwrapURL(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var apiErr struct {
			Error string `json:"error"`
			Info  string `json:"info"`
		}
		_ = json.Unmarshal(raw, &apiErr)
		if apiErr.Info == "" {
			apiErr.Info = http.StatusText(resp.StatusCode)
		}
		return fmt.Errorf("the emulator answered %d: %s", resp.StatusCode, apiErr.Info)
	}
	return json.Unmarshal(raw, out)
}

// unwrapURL drops url.Error's `Get "http://…":` prefix, which the message already says.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
