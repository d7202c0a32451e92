package dailytest

import (
	"strings"
	"testing"
	"time"
)

func TestDialinConfigCreateGetUpdateDelete(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	nums := buy(t, s, 2)
	created := ok(t, s, "POST", "/domain-dialin-config", map[string]any{
		"type": "pinless_dialin", "phone_number": nums[0], "name_prefix": "Customer1",
		"room_creation_api": "https://a.example/dial", "timeout_config": map[string]any{"message": "later"},
	})
	id, cfg := created["id"].(string), obj(created["config"])
	if created["type"] != "pinless_dialin" || len(id) != 36 || cfg["hmac"] == nil || cfg["name_prefix"] != "Customer1" {
		t.Fatalf("created %v", created)
	}
	if !pinlessSIP.MatchString(cfg["sip_uri"].(string)) || !strings.HasPrefix(cfg["sip_uri"].(string), "Customer1--") {
		t.Fatalf("sip_uri %v", cfg["sip_uri"])
	}
	if _, hasType := cfg["type"]; hasType {
		t.Fatal("type belongs outside config")
	}
	got := ok(t, s, "GET", "/domain-dialin-config/"+id, nil)
	if obj(got["config"])["hmac"] != cfg["hmac"] {
		t.Fatalf("get: %v", got)
	}
	// PUT merges: the name changes, the rest (webhook, hmac, sip_uri) stays; null removes.
	upd := ok(t, s, "PUT", "/domain-dialin-config/"+id, map[string]any{"name_prefix": "Renamed", "timeout_config": nil})
	u := obj(upd["config"])
	if u["name_prefix"] != "Renamed" || u["room_creation_api"] != "https://a.example/dial" || u["hmac"] != cfg["hmac"] ||
		u["sip_uri"] != cfg["sip_uri"] || u["timeout_config"] != nil {
		t.Fatalf("update: %v", u)
	}
	wantError(t, api(t, s, "PUT", "/domain-dialin-config/"+id, map[string]any{"type": "pin_dialin"}), 400, "invalid-request-error", "type cannot be changed")
	wantError(t, api(t, s, "PUT", "/domain-dialin-config/"+id, map[string]any{"room_creation_api": nil}), 400, "invalid-request-error", "room_creation_api is required")
	if m := ok(t, s, "DELETE", "/domain-dialin-config/"+id, nil); m["status"] != "ok" {
		t.Fatalf("delete: %v", m)
	}
	wantError(t, api(t, s, "DELETE", "/domain-dialin-config/"+id, nil), 404, "not-found", id)
	wantError(t, api(t, s, "GET", "/domain-dialin-config/"+id, nil), 404, "not-found", id)
	wantError(t, api(t, s, "PUT", "/domain-dialin-config/"+id, map[string]any{}), 404, "not-found", id)
}

func TestDialinConfigRules(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	nums := buy(t, s, 2)
	bad := []struct {
		body map[string]any
		info string
	}{
		{map[string]any{"phone_number": nums[0]}, "type is required"},
		{map[string]any{"type": "other"}, "type must be pinless_dialin or pin_dialin"},
		{map[string]any{"type": "pin_dialin"}, "phone_number is required for pin_dialin"},
		{map[string]any{"type": "pinless_dialin", "phone_number": nums[0]}, "room_creation_api is required"},
		{map[string]any{"type": "pin_dialin", "phone_number": "+14155550199"}, "not a phone number purchased"},
	}
	for _, c := range bad {
		wantError(t, api(t, s, "POST", "/domain-dialin-config", c.body), 400, "invalid-request-error", c.info)
	}
	// A pinless config may have no number (SIP interconnect only).
	sipOnly := ok(t, s, "POST", "/domain-dialin-config", map[string]any{"type": "pinless_dialin", "room_creation_api": "https://a.example/sip"})
	if !strings.HasPrefix(obj(sipOnly["config"])["sip_uri"].(string), "user--") {
		t.Fatalf("sip-only: %v", sipOnly)
	}
	pin := ok(t, s, "POST", "/domain-dialin-config", map[string]any{"type": "pin_dialin", "phone_number": nums[0]})
	if c := obj(pin["config"]); c["sip_uri"] != nil || c["hmac"] != nil {
		t.Fatalf("pin config: %v", c)
	}
	if _, present := obj(pin["config"])["sip_uri"]; !present {
		t.Fatal("pin config should show sip_uri: null")
	}
	// The number is taken by the pin config, for either type.
	for _, typ := range []string{"pinless_dialin", "pin_dialin"} {
		res := api(t, s, "POST", "/domain-dialin-config", map[string]any{"type": typ, "phone_number": nums[0], "room_creation_api": "https://a.example/d"})
		wantError(t, res, 400, "invalid-request-error", "already used by dial-in config "+pin["id"].(string))
	}
	other := ok(t, s, "POST", "/domain-dialin-config", map[string]any{"type": "pin_dialin", "phone_number": nums[1]})
	wantError(t, api(t, s, "PUT", "/domain-dialin-config/"+other["id"].(string), map[string]any{"phone_number": nums[0]}), 400, "invalid-request-error", "already used")
}

func TestDialinConfigsAndPinlessArrayAreOneStore(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	nums := buy(t, s, 2)
	created := ok(t, s, "POST", "/domain-dialin-config", map[string]any{"type": "pinless_dialin", "phone_number": nums[0], "room_creation_api": "https://a.example/d"})
	routes := s.PinlessDialin()
	if len(routes) != 1 || routes[0]["phone_number"] != nums[0] || routes[0]["sip_uri"] != obj(created["config"])["sip_uri"] {
		t.Fatalf("config not in pinless_dialin: %v", routes)
	}
	// A POST / that keeps the number keeps the config's id; the new entry becomes a config.
	setRoutes(t, s, routes[0], map[string]any{"phone_number": nums[1], "room_creation_api": "https://a.example/e"})
	m := ok(t, s, "GET", "/domain-dialin-config", nil)
	if m["total_count"] != float64(2) {
		t.Fatalf("list: %v", m)
	}
	ids := map[any]bool{}
	for _, d := range list(m, "data") {
		ids[obj(d)["id"]] = true
	}
	if !ids[created["id"]] {
		t.Fatal("POST / dropped the id of a kept entry")
	}
	// A POST / without the number deletes its config.
	setRoutes(t, s, map[string]any{"phone_number": nums[1], "room_creation_api": "https://a.example/e"})
	wantError(t, api(t, s, "GET", "/domain-dialin-config/"+created["id"].(string), nil), 404, "not-found", "")
}

func TestDialinConfigListFiltersAndPages(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	nums := buy(t, s, 5)
	var ids []string // oldest first
	for i, n := range nums {
		typ := "pinless_dialin"
		if i%2 == 1 {
			typ = "pin_dialin"
		}
		m := ok(t, s, "POST", "/domain-dialin-config", map[string]any{"type": typ, "phone_number": n, "name_prefix": "p" + n[len(n)-2:], "room_creation_api": "https://a.example/d"})
		ids = append(ids, m["id"].(string))
		clock.Advance(time.Second)
	}
	page1 := ok(t, s, "GET", "/domain-dialin-config?limit=2", nil)
	d1 := list(page1, "data")
	if page1["total_count"] != float64(5) || len(d1) != 2 || obj(d1[0])["id"] != ids[4] {
		t.Fatalf("page 1: %v", page1)
	}
	d2 := list(ok(t, s, "GET", "/domain-dialin-config?limit=2&starting_after="+ids[3], nil), "data")
	if len(d2) != 2 || obj(d2[0])["id"] != ids[2] || obj(d2[1])["id"] != ids[1] {
		t.Fatalf("page 2: %v", d2)
	}
	prev := list(ok(t, s, "GET", "/domain-dialin-config?limit=2&ending_before="+ids[2], nil), "data")
	if len(prev) != 2 || obj(prev[0])["id"] != ids[4] {
		t.Fatalf("ending_before: %v", prev)
	}
	filters := map[string]float64{
		"type=pin_dialin": 2, "type=pinless_dialin": 3, "phone_number=" + nums[2][3:]: 1,
		"phone_numbers=" + nums[0] + "," + nums[1]: 2, "name_prefix=p" + nums[4][len(nums[4])-2:]: 1,
	}
	for q, want := range filters {
		if m := ok(t, s, "GET", "/domain-dialin-config?"+strings.ReplaceAll(q, "+", "%2B"), nil); m["total_count"] != want {
			t.Errorf("%s: total_count %v, want %v", q, m["total_count"], want)
		}
	}
	user, _, _ := strings.Cut(s.PinlessDialin()[0]["sip_uri"].(string), "@")
	if m := ok(t, s, "GET", "/domain-dialin-config?sip_username="+user, nil); m["total_count"] != float64(1) {
		t.Fatalf("sip_username: %v", m)
	}
	wantError(t, api(t, s, "GET", "/domain-dialin-config?type=x", nil), 400, "invalid-request-error", "type must be")
}
