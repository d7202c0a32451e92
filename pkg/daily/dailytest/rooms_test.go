package dailytest

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCreateRoomDefaults(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	m := ok(t, s, "POST", "/rooms", nil)
	name := m["name"].(string)
	if !regexp.MustCompile(`^[A-Za-z0-9]{20}$`).MatchString(name) {
		t.Fatalf("random name %q", name)
	}
	if m["url"] != "https://dailytest.daily.co/"+name || m["privacy"] != "public" || m["api_created"] != true ||
		m["created_at"] != clock.Now().UTC().Format("2006-01-02T15:04:05.000Z") || len(obj(m["config"])) != 0 {
		t.Fatalf("room %v", m)
	}
}

func TestSIPRoom(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	exp := clock.Now().Add(time.Hour).Unix()
	m := ok(t, s, "POST", "/rooms", map[string]any{"name": "call-1", "privacy": "private", "properties": map[string]any{
		"exp": exp, "eject_at_room_exp": true, "max_participants": 200, "enable_dialout": false,
		"sip": map[string]any{"display_name": "+15551234567", "sip_mode": "dial-in", "video": false, "num_endpoints": 3},
	}})
	cfg := obj(m["config"])
	sipURI := obj(cfg["sip_uri"])
	if sipURI["endpoint"] != "call-1.0@dailytest.sip.dailytest.localhost" {
		t.Fatalf("endpoint %v (no sip: prefix expected)", sipURI["endpoint"])
	}
	if extra := sipURI["extra_endpoints"].([]any); len(extra) != 2 || extra[1] != "call-1.2@dailytest.sip.dailytest.localhost" {
		t.Fatalf("extra_endpoints %v", extra)
	}
	if cfg["exp"] != float64(exp) || cfg["eject_at_room_exp"] != true || m["privacy"] != "private" {
		t.Fatalf("config %v", cfg)
	}
	for _, k := range []string{"max_participants", "enable_dialout"} {
		if _, echoed := cfg[k]; echoed {
			t.Errorf("%s has its default value and must not be echoed", k)
		}
	}
	one := ok(t, s, "POST", "/rooms", map[string]any{"name": "call-2", "properties": map[string]any{
		"sip": map[string]any{"display_name": "x", "sip_mode": "dial-in"}}})
	if su := obj(obj(one["config"])["sip_uri"]); su["extra_endpoints"] != nil || su["endpoint"] != "call-2.0@dailytest.sip.dailytest.localhost" {
		t.Fatalf("single endpoint: %v", su)
	}
	// Turning SIP off removes sip_uri.
	off := ok(t, s, "POST", "/rooms/call-2", map[string]any{"properties": map[string]any{"sip": nil}})
	if _, has := obj(off["config"])["sip_uri"]; has {
		t.Fatal("sip_uri after sip: null")
	}
}

func TestRoomValidation(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	past := clock.Now().Add(-time.Minute).Unix()
	sip := func(kv ...any) map[string]any {
		m := map[string]any{"display_name": "x", "sip_mode": "dial-in"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return map[string]any{"sip": m}
	}
	cases := []struct {
		body map[string]any
		info string
	}{
		{map[string]any{"name": "bad name!"}, "bad name! contains invalid characters (room names can contain A-Z, a-z, 0-9, '-', and '_')"},
		{map[string]any{"name": strings.Repeat("a", 129)}, "at most 128 characters"},
		{map[string]any{"privacy": "secret"}, "privacy must be"},
		{map[string]any{"properties": map[string]any{"exp": past}}, fmt.Sprintf("exp was '%d', which is in the past rather than in the future", past)},
		{map[string]any{"properties": map[string]any{"exp": "not an int"}}, "exp was 'not an int' but should be a number of seconds since the unix epoch"},
		{map[string]any{"properties": map[string]any{"bogus": 1}}, "bogus is not a valid room property"},
		{map[string]any{"properties": map[string]any{"sip_uri": "x"}}, "sip_uri is read-only"},
		{map[string]any{"properties": map[string]any{"max_participants": "ten"}}, "max_participants must be an integer"},
		{map[string]any{"properties": sip("display_name", "")}, "sip.display_name is required"},
		{map[string]any{"properties": sip("sip_mode", "dial-out")}, `sip.sip_mode is required and must be "dial-in"`},
		{map[string]any{"properties": sip("num_endpoints", 6)}, "sip.num_endpoints must be an integer from 1 to 5"},
		{map[string]any{"properties": sip("num_endpoints", 2, "force_digit_only_username", true)}, "cannot be combined"},
		{map[string]any{"properties": sip("codecs", map[string]any{"audio": []string{"MP3"}})}, "not supported"},
	}
	for _, c := range cases {
		wantError(t, api(t, s, "POST", "/rooms", c.body), 400, "invalid-request-error", c.info)
	}
	ok(t, s, "POST", "/rooms", map[string]any{"name": strings.Repeat("a", 128)})
}

func TestDuplicateRoomAndConcurrentCreates(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = api(t, s, "POST", "/rooms", map[string]any{"name": "same"}).status
		}()
	}
	wg.Wait()
	wins := 0
	for _, st := range statuses {
		if st == 200 {
			wins++
		}
	}
	if wins != 1 {
		t.Fatalf("statuses %v: exactly one create must win", statuses)
	}
	wantError(t, api(t, s, "POST", "/rooms", map[string]any{"name": "same"}), 400, "invalid-request-error", "a room named same already exists")
}

func TestGetUpdateDeleteRoom(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	res := api(t, s, "GET", "/rooms/ghost", nil)
	if res.status != 404 || string(res.body) != `{"error":"not-found","info":"room ghost not found"}`+"\n" {
		t.Fatalf("404 body %d %s", res.status, res.body)
	}
	ok(t, s, "POST", "/rooms", map[string]any{"name": "r1"})
	m := ok(t, s, "POST", "/rooms/r1", map[string]any{"privacy": "private", "properties": map[string]any{"enable_dialout": true}})
	if m["privacy"] != "private" || obj(m["config"])["enable_dialout"] != true {
		t.Fatalf("update: %v", m)
	}
	if got := ok(t, s, "GET", "/rooms/r1", nil); obj(got["config"])["enable_dialout"] != true {
		t.Fatalf("get after update: %v", got)
	}
	if d := ok(t, s, "DELETE", "/rooms/r1", nil); d["deleted"] != true || d["name"] != "r1" {
		t.Fatalf("delete: %v", d)
	}
	wantError(t, api(t, s, "DELETE", "/rooms/r1", nil), 404, "not-found", "room r1 not found")
	wantError(t, api(t, s, "POST", "/rooms/r1", map[string]any{}), 404, "not-found", "")
	ok(t, s, "POST", "/rooms", map[string]any{"name": "r1"}) // the name is free again
}

func TestExpiredRoomsBehaveAsDeleted(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	ok(t, s, "POST", "/rooms", map[string]any{"name": "short", "properties": map[string]any{"exp": clock.Now().Add(time.Minute).Unix()}})
	ok(t, s, "POST", "/rooms", map[string]any{"name": "long"})
	clock.Advance(time.Minute)
	wantError(t, api(t, s, "GET", "/rooms/short", nil), 404, "not-found", "room short not found")
	if m := ok(t, s, "GET", "/rooms", nil); m["total_count"] != float64(1) || obj(list(m, "data")[0])["name"] != "long" {
		t.Fatalf("list shows expired room: %v", m)
	}
	res := api(t, s, "DELETE", "/rooms/short", nil)
	if res.status != 404 || res.json(t)["deleted"] != true || res.json(t)["error"] != "not-found" {
		t.Fatalf("delete expired: %d %s", res.status, res.body)
	}
	wantError(t, api(t, s, "DELETE", "/rooms/short", nil), 404, "not-found", "")
}

func TestListRoomsPagination(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	var ids []string // oldest first
	for i := range 7 {
		ids = append(ids, ok(t, s, "POST", "/rooms", map[string]any{"name": fmt.Sprintf("room-%d", i)})["id"].(string))
		if i%2 == 0 {
			clock.Advance(time.Second) // some rooms share a creation second: ties must stay ordered
		}
	}
	seen := []string{}
	cursor := ""
	for page := 0; page < 5; page++ {
		q := "/rooms?limit=3"
		if cursor != "" {
			q += "&starting_after=" + cursor
		}
		m := ok(t, s, "GET", q, nil)
		if m["total_count"] != float64(7) {
			t.Fatalf("total_count %v", m["total_count"])
		}
		data := list(m, "data")
		if len(data) == 0 {
			break
		}
		for _, d := range data {
			seen = append(seen, obj(d)["id"].(string))
		}
		cursor = seen[len(seen)-1]
	}
	if len(seen) != 7 {
		t.Fatalf("paged through %d rooms", len(seen))
	}
	for i, id := range seen {
		if id != ids[6-i] {
			t.Fatalf("order: position %d is not newest-first", i)
		}
	}
	oldest := list(ok(t, s, "GET", "/rooms?limit=2&ending_before=OLDEST", nil), "data")
	if len(oldest) != 2 || obj(oldest[1])["id"] != ids[0] {
		t.Fatalf("OLDEST: %v", oldest)
	}
	back := list(ok(t, s, "GET", "/rooms?limit=2&ending_before="+ids[2], nil), "data")
	if len(back) != 2 || obj(back[0])["id"] != ids[4] || obj(back[1])["id"] != ids[3] {
		t.Fatalf("ending_before: %v", back)
	}
	wantError(t, api(t, s, "GET", "/rooms?limit=0", nil), 400, "invalid-request-error", "limit")
	wantError(t, api(t, s, "GET", "/rooms?starting_after=a&ending_before=b", nil), 400, "invalid-request-error", "together")
}

func TestDialOutStartHasNoCallToJoin(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	ok(t, s, "POST", "/rooms", map[string]any{"name": "r", "properties": map[string]any{"enable_dialout": true}})
	wantError(t, api(t, s, "POST", "/rooms/r/dialOut/start", map[string]any{}), http.StatusBadRequest, "invalid-request-error", "sipUri or phoneNumber")
	wantError(t, api(t, s, "POST", "/rooms/r/dialOut/start", map[string]any{"phoneNumber": "+14155550100"}), 404, "not-found", "Room is not hosting a call")
}

// Pipecat's configure() sends exp as time.time()+hours*3600: the room is created, keeps the
// fraction, and expires when the clock passes the number as sent, fraction included.
func TestFractionalExpIsAcceptedAndKept(t *testing.T) {
	s, clock := newTest(t)
	exp := float64(clock.Now().Add(time.Minute).Unix()) + 0.6178238
	got := ok(t, s, "POST", "/rooms", map[string]any{"name": "pc", "properties": map[string]any{
		"exp": exp, "eject_at_room_exp": true, "sip": map[string]any{"display_name": "+15550001111", "sip_mode": "dial-in"}}})
	if obj(got["config"])["exp"] != exp {
		t.Fatalf("config.exp = %v, want %v as sent", obj(got["config"])["exp"], exp)
	}
	ok(t, s, "POST", "/rooms", map[string]any{"name": "nbf", "properties": map[string]any{"nbf": 1796595609.5}})
	clock.Advance(time.Minute)
	ok(t, s, "GET", "/rooms/pc", nil)
	clock.Advance(time.Second)
	wantError(t, api(t, s, "GET", "/rooms/pc", nil), 404, "not-found", "room pc not found")
}
