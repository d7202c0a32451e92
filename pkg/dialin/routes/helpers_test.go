package routes

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
)

// Secrets used in tests: valid base64 of 32 bytes. They must never show up in output.
const (
	secretA = "c2VjcmV0LWEtc2VjcmV0LWEtc2VjcmV0LWEtc2VjcmU="
	secretB = "c2VjcmV0LWItc2VjcmV0LWItc2VjcmV0LWItc2VjcmU="
	secretC = "c2VjcmV0LWMtc2VjcmV0LWMtc2VjcmV0LWMtc2VjcmU="
)

// liveJSON is a domain's array as Daily might return it: odd key order, an unknown field,
// sip_uri filled in, and a SIP-interconnect entry.
const liveJSON = `[
 {"sip_uri":"static--0@x.sip.example","phone_number":"+14155550100","room_creation_api":"https://a.example.com/dialin","hmac":"` + secretA + `","name_prefix":"ci-support","x_future":{"b":2,"a":[1,2]}},
 {"phone_number":"+14155550101","room_creation_api":"https://b.example.com/dialin","hmac":"` + secretB + `","hold_music_url":"https://cdn.example.com/hold.mp3","timeout_config":{"message":"Sorry"},"sip_uri":"static--1@x.sip.example"},
 {"room_creation_api":"https://c.example.com/sip","name_prefix":"ci-trunk","hmac":"` + secretC + `","sip_uri":"static--2@x.sip.example"}
]`

func entries(t *testing.T, js string) []daily.PinlessDialinEntry {
	t.Helper()
	var out []daily.PinlessDialinEntry
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatalf("decode entries: %v", err)
	}
	return out
}

// rawOf splits a JSON array into its elements' exact bytes.
func rawOf(t *testing.T, js string) []string {
	t.Helper()
	var raws []json.RawMessage
	if err := json.Unmarshal([]byte(js), &raws); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(raws))
	for i, r := range raws {
		out[i] = string(r)
	}
	return out
}

func marshal(t *testing.T, e daily.PinlessDialinEntry) string {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noSecrets fails when any test secret appears in s.
func noSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range []string{secretA, secretB, secretC} {
		if strings.Contains(s, sec) {
			t.Errorf("%s shows a secret:\n%s", what, s)
		}
	}
}

func ptr(s string) *string { return &s }
