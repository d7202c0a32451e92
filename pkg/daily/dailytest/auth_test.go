package dailytest

import (
	"net/http"
	"testing"
)

func TestMissingAuthorizationIs400(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	res := send(t, "GET", s.URL+"/", "", nil)
	wantError(t, res, http.StatusBadRequest, "authorization-header-error", "Authorization")
}

func TestMalformedAuthorizationIs400(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	for _, h := range []string{"Basic abc", "Bearer", s.APIKey} {
		res := send(t, "GET", s.URL+"/", h, nil)
		wantError(t, res, http.StatusBadRequest, "authorization-header-error", "")
	}
}

func TestWrongKeyIs401WithoutInfo(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	res := send(t, "GET", s.URL+"/rooms", "Bearer not-the-key", nil)
	if res.status != http.StatusUnauthorized || string(res.body) != `{"error":"authentication-error"}`+"\n" {
		t.Fatalf("got %d %s", res.status, res.body)
	}
}

func TestWithAPIKeyAndDomain(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t, WithAPIKey("k-123"), WithDomain("acme", "30f866c3-9123-452a-8723-ff58322d09c5"))
	if s.APIKey != "k-123" || s.DomainName() != "acme" || s.DomainID() != "30f866c3-9123-452a-8723-ff58322d09c5" {
		t.Fatalf("options not applied: %q %q %q", s.APIKey, s.DomainName(), s.DomainID())
	}
	m := ok(t, s, "GET", "/", nil)
	if m["domain_name"] != "acme" || m["domain_id"] != s.DomainID() {
		t.Fatalf("GET / = %v", m)
	}
	if other := New(t); other.APIKey == s.APIKey || other.APIKey == New(t).APIKey {
		t.Fatal("default API keys must be random per server")
	}
}

func TestBadJSONIsParsingError(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	res := api(t, s, "POST", "/rooms", `{"name": `)
	wantError(t, res, http.StatusBadRequest, "json-parsing-error", "")
	res = api(t, s, "POST", "/rooms", `["a"]`)
	wantError(t, res, http.StatusBadRequest, "invalid-request-error", "JSON object")
}

func TestUnknownRouteAndWrongMethod(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	wantError(t, api(t, s, "GET", "/no-such-thing", nil), http.StatusNotFound, "not-found", "/no-such-thing")
	res := api(t, s, "PATCH", "/rooms", nil)
	wantError(t, res, http.StatusMethodNotAllowed, "invalid-request-error", "PATCH")
	if res.header.Get("Content-Type") != "application/json" {
		t.Fatalf("405 content type %q", res.header.Get("Content-Type"))
	}
	wantError(t, send(t, "GET", s.URL[:len(s.URL)-3]+"/rooms", "Bearer "+s.APIKey, nil), http.StatusNotFound, "not-found", "/v1")
}

func TestURLShape(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	if len(s.URL) < len("http://127.0.0.1:1/v1") || s.URL[:17] != "http://127.0.0.1:" || s.URL[len(s.URL)-3:] != "/v1" {
		t.Fatalf("URL = %q", s.URL)
	}
	// A trailing slash on the base URL works, as it does on Daily's.
	res := send(t, "GET", s.URL+"/", "Bearer "+s.APIKey, nil)
	if res.status != http.StatusOK {
		t.Fatalf("GET /v1/ = %d", res.status)
	}
}
