package dailytest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// apiResult is one raw HTTP answer.
type apiResult struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value.
func (r apiResult) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// send makes a raw request to base+path with the given Authorization header ("" for none).
// body may be nil, a string (sent as is) or anything JSON-encodable.
func send(t *testing.T, method, url, auth string, body any) apiResult {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return apiResult{status: resp.StatusCode, header: resp.Header, body: data}
}

// api calls the emulator's /v1 API with its key.
func api(t *testing.T, s *Server, method, path string, body any) apiResult {
	t.Helper()
	return send(t, method, s.URL+path, "Bearer "+s.APIKey, body)
}

// ok calls the API, requires 200 and returns the decoded object.
func ok(t *testing.T, s *Server, method, path string, body any) map[string]any {
	t.Helper()
	res := api(t, s, method, path, body)
	if res.status != http.StatusOK {
		t.Fatalf("%s %s: status %d, want 200: %s", method, path, res.status, res.body)
	}
	return res.json(t)
}

// wantError requires status and Daily's error body with the given error type; the info must
// contain infoPart.
func wantError(t *testing.T, res apiResult, status int, kind, infoPart string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
	m := res.json(t)
	if m["error"] != kind {
		t.Fatalf("error = %v, want %q: %s", m["error"], kind, res.body)
	}
	info, _ := m["info"].(string)
	if !strings.Contains(info, infoPart) {
		t.Fatalf("info = %q, want it to contain %q", info, infoPart)
	}
}

// newTest starts an emulator with a manual clock and no rate limit, the usual test setup.
func newTest(t *testing.T, opts ...Option) (*Server, *ManualClock) {
	t.Helper()
	clock := NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s := New(t, append([]Option{WithClock(clock), WithoutRateLimit()}, opts...)...)
	return s, clock
}

func list(m map[string]any, key string) []any {
	l, _ := m[key].([]any)
	return l
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
