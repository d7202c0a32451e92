package daily_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
)

// The documented shapes that disagree (Daily's pages on available and released
// numbers, rooms and webhooks against its SDKs) all decode.

func TestAvailableNumberAcceptsPhoneNumberAndNumber(t *testing.T) {
	t.Parallel()
	var got []daily.AvailableNumber
	body := `[{"phoneNumber":"+13058700061","region":"FL"},{"number":"+19499800001","region":"CA"}]`
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want := []daily.AvailableNumber{{Number: "+13058700061", Region: "FL"}, {Number: "+19499800001", Region: "CA"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestReleaseResultAcceptsBothShapes(t *testing.T) {
	t.Parallel()
	var a, b daily.ReleaseResult
	if err := json.Unmarshal([]byte(`{"status":"ok"}`), &a); err != nil || a.Status != "ok" {
		t.Fatalf("status shape: %+v, %v", a, err)
	}
	if err := json.Unmarshal([]byte(`{"deleted":true,"id":"85a70a9a"}`), &b); err != nil || !b.Deleted || b.ID != "85a70a9a" {
		t.Fatalf("deleted shape: %+v, %v", b, err)
	}
}

func TestSIPURIWithAndWithoutPrefix(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body string
		want []string
	}{
		{`{"endpoint":"room.0@d.sip.daily.co"}`, []string{"sip:room.0@d.sip.daily.co"}},
		{`{"endpoint":"sip:room.0@d.sip.daily.co","extra_endpoints":["room.1@d.sip.daily.co","sip:room.2@d.sip.daily.co"]}`,
			[]string{"sip:room.0@d.sip.daily.co", "sip:room.1@d.sip.daily.co", "sip:room.2@d.sip.daily.co"}},
		{`"room.0@d.sip.daily.co"`, []string{"sip:room.0@d.sip.daily.co"}},
	}
	for _, tc := range cases {
		var s daily.SIPURI
		if err := json.Unmarshal([]byte(tc.body), &s); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if got := s.Endpoints(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: endpoints %v, want %v", tc.body, got, tc.want)
		}
	}
	for in, want := range map[string]string{"a@b": "sip:a@b", "sip:a@b": "sip:a@b", "SIP:a@b": "SIP:a@b", " sips:a@b ": "sips:a@b", "": ""} {
		if got := daily.NormalizeSIPURI(in); got != want {
			t.Errorf("NormalizeSIPURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWebhookStateAndTimestampsAsStringsOrNumbers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body      string
		state     daily.WebhookState
		createdAt daily.FlexString
	}{
		{`{"uuid":"u","state":"ACTIVE","createdAt":"2025-01-01T00:00:00.000Z"}`, "ACTIVE", "2025-01-01T00:00:00.000Z"},
		{`{"uuid":"u","state":"failed","createdAt":1735689600}`, "FAILED", "1735689600"},
		{`{"uuid":"u","state":0}`, "FAILED", ""},
		{`{"uuid":"u","state":1,"createdAt":null}`, "ACTIVE", ""},
		{`{"uuid":"u","state":2}`, "STOPPED", ""},
	}
	for _, tc := range cases {
		var w daily.Webhook
		if err := json.Unmarshal([]byte(tc.body), &w); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if w.State != tc.state || w.CreatedAt != tc.createdAt {
			t.Errorf("%s: state %q createdAt %q, want %q %q", tc.body, w.State, w.CreatedAt, tc.state, tc.createdAt)
		}
	}
}

func TestPinlessDialinEntryMarshalling(t *testing.T) {
	t.Parallel()
	raw := `{"phone_number":"+12095038039", "room_creation_api":"https://example.com/dialin?a=1&b=2","hmac":"c2VjcmV0","future_field":{"x":[1,2]}}`
	var e daily.PinlessDialinEntry
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.MarshalJSON(); string(got) != raw {
		t.Fatalf("unchanged entry marshals to %s, want the bytes it was read from", got)
	}
	e.NamePrefix = "changed"
	got, _ := e.MarshalJSON()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	if string(m["future_field"]) != `{"x":[1,2]}` || string(m["name_prefix"]) != `"changed"` || string(m["hmac"]) != `"c2VjcmV0"` {
		t.Fatalf("changed entry marshals to %s", got)
	}
}
