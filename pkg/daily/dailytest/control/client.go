// Package control is the client of the dailytest emulator's /_emulator control endpoints,
// for programs that run the emulator out of process: `dialin simulate` places and follows
// calls, the stand-in bots join rooms, wait for their SIP endpoints and report marks, and
// tests drive all of it. The endpoints are listed in pkg/daily/dailytest/README.md.
//
// Like dailytest it imports only the standard library (and dailytest, for the call record
// the emulator answers). Credentials — the API key and meeting tokens — never appear in its
// errors.
package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds one request of a Client without its own http.Client: longer than the
// emulator's longest long poll (60 s).
const DefaultTimeout = 90 * time.Second

// maxAnswer bounds the answer read from the emulator (a calls list can be long).
const maxAnswer = 4 << 20

// Client talks to one emulator. Its zero value is not usable; use New.
type Client struct {
	root   string // the emulator's root URL, without /v1
	apiKey string
	http   *http.Client
}

// New returns a client of the emulator whose API URL (as users have it: DAILY_API_URL,
// ending in /v1, or the emulator's root) is apiURL. apiKey is the emulator's key, used for
// the call and clock endpoints; it may be empty for a client that only joins rooms. A nil
// httpClient means one with DefaultTimeout.
func New(apiURL, apiKey string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: DefaultTimeout}
	}
	return &Client{root: Root(apiURL), apiKey: apiKey, http: httpClient}
}

// Root turns an emulator URL as users have it (ending in /v1, or the root) into the root of
// its control endpoints.
func Root(apiURL string) string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimRight(apiURL, "/"), "/v1"), "/")
}

// CheckLoopback checks that apiURL is an absolute http(s) URL of a loopback host, where an
// emulator runs; programs that must never reach the real Daily check it first.
func CheckLoopback(apiURL string) error {
	u, err := url.Parse(strings.TrimSuffix(apiURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL such as http://127.0.0.1:8080/v1", apiURL)
	}
	host := strings.ToLower(u.Hostname())
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s is not a loopback host", u.Hostname())
	}
	return nil
}

// RootURL is the root of the emulator's control endpoints (its API URL without /v1).
func (c *Client) RootURL() string { return c.root }

// Error is a non-2xx answer: its status and the emulator's {"error","info"} body.
type Error struct {
	Method, Path string // the request, without its query
	Status       int
	Kind         string // "error" of the body: not-found, timeout, invalid-request-error, …
	Info         string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s %s: the emulator answered %d", e.Method, e.Path, e.Status)
	if e.Kind != "" {
		s += " " + e.Kind
	}
	if e.Info != "" {
		s += ": " + e.Info
	}
	return s
}

// IsStatus reports whether err is an *Error with that status.
func IsStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}

// do sends one request with credential as its Bearer; out (if not nil) receives a 2xx
// answer's JSON. Non-2xx answers are an *Error.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, credential string, body, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	target := c.root + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+credential)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s at the emulator %s: %w", method, path, c.root, unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var eb struct{ Error, Info string }
		_ = json.Unmarshal(data, &eb)
		if eb.Error == "" && eb.Info == "" {
			eb.Info = http.StatusText(resp.StatusCode)
		}
		return &Error{Method: method, Path: path, Status: resp.StatusCode, Kind: eb.Error, Info: eb.Info}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the expected JSON: %w", method, path, err)
	}
	return nil
}

// unwrapURLError drops *url.Error's quoted URL, which the message already says (and whose
// query would be noise).
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
