package dailytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// selfSign builds a token the way a client signs locally, independently of the emulator.
func selfSign(t *testing.T, alg string, claims map[string]any, key string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signing := enc.EncodeToString([]byte(`{"alg":"`+alg+`","typ":"JWT"}`)) + "." + enc.EncodeToString(payload)
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(m.Sum(nil))
}

func TestCreateMeetingTokenUsesShortClaims(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	exp := clock.Now().Add(time.Hour).Unix()
	tok := ok(t, s, "POST", "/meeting-tokens", map[string]any{"properties": map[string]any{
		"room_name": "call-1", "is_owner": true, "exp": exp, "user_name": "bot", "eject_at_token_exp": true,
	}})["token"].(string)
	claims, err := s.VerifyMeetingToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"r": "call-1", "o": "true", "exp": fmt.Sprint(exp), "u": "bot", "ejt": "true",
		"d": s.DomainID(), "iat": fmt.Sprint(clock.Now().Unix())}
	for k, v := range want {
		if fmt.Sprint(claims[k]) != v {
			t.Errorf("claim %s = %v, want %s", k, claims[k], v)
		}
	}
	if _, long := claims["room_name"]; long {
		t.Error("long claim names must not appear")
	}
	header, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if !strings.Contains(string(header), `"alg":"HS256"`) {
		t.Fatalf("header %s", header)
	}
	got := ok(t, s, "GET", "/meeting-tokens/"+tok, nil)
	if got["room_name"] != "call-1" || got["is_owner"] != true || got["domain_id"] != s.DomainID() {
		t.Fatalf("GET /meeting-tokens: %v", got)
	}
}

func TestMeetingTokenErrors(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	past := clock.Now().Add(-time.Second).Unix()
	cases := map[string]map[string]any{
		fmt.Sprintf("exp was '%d', which is in the past", past): {"exp": past},
		"exp was 'soon' but should be a number":                 {"exp": "soon"},
		"room is not a valid meeting token property":            {"room": "x"},
		"is_owner must be a boolean":                            {"is_owner": "yes"},
		"user_id must be at most 36 characters":                 {"user_id": strings.Repeat("u", 37)},
	}
	for info, props := range cases {
		wantError(t, api(t, s, "POST", "/meeting-tokens", map[string]any{"properties": props}), 400, "invalid-request-error", info)
	}
	// A token without properties is valid for every room of the domain.
	tok := ok(t, s, "POST", "/meeting-tokens", map[string]any{})["token"].(string)
	if _, err := s.VerifyMeetingToken(tok); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyMeetingToken(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	now := clock.Now().Unix()
	good := map[string]any{"r": "test", "iat": now, "d": s.DomainID(), "exp": now + 60}
	if claims, err := s.VerifyMeetingToken(selfSign(t, "HS256", good, s.APIKey)); err != nil || claims["r"] != "test" {
		t.Fatalf("self-signed token rejected: %v", err)
	}
	otherDomain := map[string]any{"r": "test", "iat": now, "d": "30f866c3-9123-452a-8723-ff58322d09c5"}
	bad := map[string]string{
		"signature does not match": selfSign(t, "HS256", good, "another-key"),
		"another domain":           selfSign(t, "HS256", otherDomain, s.APIKey),
		"alg":                      selfSign(t, "none", good, s.APIKey),
		"not a JWT":                "abc.def",
	}
	for want, tok := range bad {
		_, err := s.VerifyMeetingToken(tok)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v", want, err)
		}
		if err != nil && strings.Contains(err.Error(), tok) {
			t.Error("error message contains the token")
		}
	}
	tok := selfSign(t, "HS256", good, s.APIKey)
	clock.Advance(time.Minute)
	if _, err := s.VerifyMeetingToken(tok); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired token: %v", err)
	}
	wantError(t, api(t, s, "GET", "/meeting-tokens/"+tok, nil), 400, "invalid-request-error", "expired")
}
