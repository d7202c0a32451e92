package dailytest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// buy buys n random numbers and returns them.
func buy(t *testing.T, s *Server, n int) []string {
	t.Helper()
	var out []string
	for range n {
		out = append(out, ok(t, s, "POST", "/buy-phone-number", nil)["number"].(string))
	}
	return out
}

func setRoutes(t *testing.T, s *Server, entries ...map[string]any) []any {
	t.Helper()
	m := ok(t, s, "POST", "/", map[string]any{"properties": map[string]any{"pinless_dialin": entries}})
	return list(obj(m["config"]), "pinless_dialin")
}

func TestGetDomainShape(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	m := ok(t, s, "GET", "/", nil)
	cfg := obj(m["config"])
	if m["domain_name"] != "dailytest" || len(m["domain_id"].(string)) != 36 {
		t.Fatalf("domain: %v", m)
	}
	if cfg["lang"] != "en" || cfg["hipaa"] != false || cfg["max_webhook_count"] != float64(1) {
		t.Fatalf("defaults missing: %v", cfg)
	}
	if pl, ok := cfg["pinless_dialin"].([]any); !ok || len(pl) != 0 {
		t.Fatalf("pinless_dialin = %#v, want []", cfg["pinless_dialin"])
	}
	if pd, ok := cfg["pin_dialin"].([]any); !ok || len(pd) != 0 {
		t.Fatalf("pin_dialin = %#v, want []", cfg["pin_dialin"])
	}
}

func TestPinlessArrayIsReplacedWhole(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	nums := buy(t, s, 2)
	got := setRoutes(t, s,
		map[string]any{"phone_number": nums[0], "room_creation_api": "https://a.example/dialin"},
		map[string]any{"phone_number": nums[1], "room_creation_api": "https://b.example/dialin"})
	if len(got) != 2 {
		t.Fatalf("got %d entries", len(got))
	}
	got = setRoutes(t, s, map[string]any{"phone_number": nums[1], "room_creation_api": "https://b.example/dialin"})
	if len(got) != 1 || obj(got[0])["phone_number"] != nums[1] {
		t.Fatalf("after replacement: %v", got)
	}
	if pd := s.PinlessDialin(); len(pd) != 1 || pd[0]["phone_number"] != nums[1] {
		t.Fatalf("PinlessDialin() = %v", pd)
	}
	m := ok(t, s, "POST", "/", map[string]any{"properties": map[string]any{"pinless_dialin": nil}})
	if len(list(obj(m["config"]), "pinless_dialin")) != 0 {
		t.Fatal("null must empty the array")
	}
}

func TestHMACIsGeneratedAndRotatedWhenOmitted(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	num := buy(t, s, 1)[0]
	entry := map[string]any{"phone_number": num, "room_creation_api": "https://a.example/dialin"}
	first := obj(setRoutes(t, s, entry)[0])["hmac"].(string)
	key, err := base64.StdEncoding.DecodeString(first)
	if err != nil || len(key) != 32 {
		t.Fatalf("generated hmac is not base64 of 32 bytes: %v (%d bytes)", err, len(key))
	}
	second := obj(setRoutes(t, s, entry)[0])["hmac"].(string)
	if second == first {
		t.Fatal("hmac must rotate on a POST / that omits it")
	}
	own := base64.StdEncoding.EncodeToString([]byte("my own secret, kept stable"))
	entry["hmac"] = own
	setRoutes(t, s, entry)
	if got := obj(setRoutes(t, s, entry)[0])["hmac"]; got != own {
		t.Fatalf("a sent hmac must be kept, got a different one")
	}
}

func TestUnknownEntryFieldsAndOptionalFieldsAreKept(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	num := buy(t, s, 1)[0]
	raw := `{"properties":{"pinless_dialin":[{"phone_number":"` + num + `","room_creation_api":"https://a.example/dialin?x=1&y=2",` +
		`"name_prefix":"acme","hold_music_url":"https://a.example/hold.mp3","timeout_config":{"message":"busy"},` +
		`"future_field":{"nested":[1,2.50,"x"]},"flag":true}]}}`
	if res := api(t, s, "POST", "/", raw); res.status != 200 {
		t.Fatalf("POST /: %d %s", res.status, res.body)
	}
	res := api(t, s, "GET", "/", nil)
	var dom struct {
		Config struct {
			Pinless []map[string]json.RawMessage `json:"pinless_dialin"`
		} `json:"config"`
	}
	if err := json.Unmarshal(res.body, &dom); err != nil {
		t.Fatal(err)
	}
	e := dom.Config.Pinless[0]
	want := map[string]string{
		"future_field": `{"nested":[1,2.50,"x"]}`, "flag": "true", "name_prefix": `"acme"`,
		"hold_music_url": `"https://a.example/hold.mp3"`, "timeout_config": `{"message":"busy"}`,
		"room_creation_api": `"https://a.example/dialin?x=1&y=2"`,
	}
	for k, v := range want {
		if string(e[k]) != v {
			t.Errorf("%s = %s, want %s", k, e[k], v)
		}
	}
}

var pinlessSIP = regexp.MustCompile(`^[A-Za-z0-9._-]+--\d{13}@daily-[0-9a-f-]{36}-pinless-sip\.sip\.dailytest\.localhost$`)

func TestSIPURIIsStableAcrossWrites(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	num := buy(t, s, 1)[0]
	pstn := map[string]any{"phone_number": num, "room_creation_api": "https://a.example/dialin"}
	sipOnly := map[string]any{"name_prefix": "interconnect", "room_creation_api": "https://a.example/sip"}
	got := setRoutes(t, s, pstn, sipOnly)
	uriA, uriB := obj(got[0])["sip_uri"].(string), obj(got[1])["sip_uri"].(string)
	if !pinlessSIP.MatchString(uriA) || !strings.HasPrefix(uriB, "interconnect--") || uriA == uriB {
		t.Fatalf("sip_uris %q %q", uriA, uriB)
	}
	got = setRoutes(t, s, sipOnly, pstn) // order changed, sip_uri not sent back
	if obj(got[0])["sip_uri"] != uriB || obj(got[1])["sip_uri"] != uriA {
		t.Fatalf("sip_uri changed on rewrite: %v", got)
	}
	// A made-up sip_uri is replaced; a removed entry restored with its old address keeps it.
	got = setRoutes(t, s, map[string]any{"name_prefix": "other", "room_creation_api": "https://a.example/x", "sip_uri": "fake@example.com"})
	if u := obj(got[0])["sip_uri"].(string); u == "fake@example.com" || !strings.HasPrefix(u, "other--") {
		t.Fatalf("made-up sip_uri kept: %q", u)
	}
	restored := map[string]any{"name_prefix": "renamed", "room_creation_api": "https://a.example/sip", "sip_uri": uriB}
	if got = setRoutes(t, s, restored); obj(got[0])["sip_uri"] != uriB {
		t.Fatalf("restored entry lost its issued sip_uri: %v", got)
	}
}

func TestPinlessValidation(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	num := buy(t, s, 1)[0]
	good := func() map[string]any {
		return map[string]any{"phone_number": num, "room_creation_api": "https://a.example/dialin"}
	}
	with := func(k string, v any) map[string]any { e := good(); e[k] = v; return e }
	without := func(k string) map[string]any { e := good(); delete(e, k); return e }
	cases := []struct {
		entries []any
		info    string
	}{
		{[]any{with("phone_number", "+14155550199")}, "not a phone number purchased by this domain"},
		{[]any{with("phone_number", "4155550199")}, "E.164"},
		{[]any{good(), good()}, "appears more than once in pinless_dialin"},
		{[]any{without("room_creation_api")}, "pinless_dialin[0].room_creation_api is required"},
		{[]any{with("room_creation_api", "/dialin")}, "absolute"},
		{[]any{with("hmac", "not base64!")}, "base64"},
		{[]any{with("hmac", 42)}, "hmac must be a string"},
		{[]any{with("timeout_config", "busy")}, "timeout_config must be an object"},
		{[]any{"not an object"}, "pinless_dialin[0] must be an object"},
	}
	for _, c := range cases {
		res := api(t, s, "POST", "/", map[string]any{"properties": map[string]any{"pinless_dialin": c.entries}})
		wantError(t, res, http.StatusBadRequest, "invalid-request-error", c.info)
	}
	res := api(t, s, "POST", "/", map[string]any{"properties": map[string]any{
		"pinless_dialin": []any{good()}, "pin_dialin": []any{map[string]any{"phone_number": num}}}})
	wantError(t, res, 400, "invalid-request-error", "either pinless or PIN")
	if len(s.PinlessDialin()) != 0 {
		t.Fatal("a rejected write must change nothing")
	}
	wantError(t, api(t, s, "POST", "/", map[string]any{}), 400, "invalid-request-error", "properties is required")
}

func TestOtherDomainProperties(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	m := ok(t, s, "POST", "/", map[string]any{"properties": map[string]any{"lang": "de", "hide_daily_branding": true}})
	if cfg := obj(m["config"]); cfg["lang"] != "de" || cfg["hide_daily_branding"] != true {
		t.Fatalf("set: %v", cfg)
	}
	m = ok(t, s, "POST", "/", map[string]any{"properties": map[string]any{"lang": nil}})
	if cfg := obj(m["config"]); cfg["lang"] != "en" || cfg["hide_daily_branding"] != true {
		t.Fatalf("null resets only that property: %v", cfg)
	}
	wantError(t, api(t, s, "POST", "/", map[string]any{"properties": map[string]any{"nope": 1}}), 400, "invalid-request-error", "nope is not a valid domain property")
	wantError(t, api(t, s, "POST", "/", map[string]any{"properties": map[string]any{"max_webhook_count": 5}}), 400, "invalid-request-error", "read-only")
	wantError(t, api(t, s, "POST", "/", map[string]any{"properties": map[string]any{"hipaa": "yes"}}), 400, "invalid-request-error", "hipaa must be a boolean")
}

func TestPinDialinArray(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	nums := buy(t, s, 2)
	m := ok(t, s, "POST", "/", map[string]any{"properties": map[string]any{
		"pin_dialin": []any{map[string]any{"phone_number": nums[0], "ivr_greeting": map[string]any{"message": "hi"}}}}})
	pin := list(obj(m["config"]), "pin_dialin")
	if len(pin) != 1 || obj(pin[0])["phone_number"] != nums[0] || obj(pin[0])["hmac"] != nil {
		t.Fatalf("pin_dialin: %v", pin)
	}
	wantError(t, api(t, s, "POST", "/", map[string]any{"properties": map[string]any{
		"pin_dialin": []any{map[string]any{"name_prefix": "x"}}}}), 400, "invalid-request-error", "phone_number is required for pin_dialin")
	// The pin entry blocks the same number from becoming pinless.
	res := api(t, s, "POST", "/", map[string]any{"properties": map[string]any{
		"pinless_dialin": []any{map[string]any{"phone_number": nums[0], "room_creation_api": "https://a.example/d"}}}})
	wantError(t, res, 400, "invalid-request-error", "either pinless or PIN")
}
