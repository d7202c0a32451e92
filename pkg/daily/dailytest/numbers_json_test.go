package dailytest

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Every time property of a room (exp, nbf, eject_after_elapsed) and sfu_switchover takes an
// integer, N.0 or a fraction, and is echoed exactly as sent; the counts (max_participants,
// sip.num_endpoints) take a whole number in any spelling and refuse a fraction.
func TestRoomNumbersInEverySpelling(t *testing.T) {
	s, clock := newTest(t)
	now := clock.Now().Unix()
	exp := now + 3600
	for i, spelling := range []string{"%d", "%d.0", "%d.6178238", "%d.5e0"} {
		num := func(n int64) string { return fmt.Sprintf(spelling, n) }
		body := fmt.Sprintf(`{"name":"r%d","properties":{"exp":%s,"nbf":%s,"eject_after_elapsed":%s,"sfu_switchover":%s,`+
			`"max_participants":%s,"sip":{"display_name":"x","sip_mode":"dial-in","num_endpoints":%s}}}`,
			i, num(exp), num(now-60), num(600), num(2), "10.0", "2.0")
		res := api(t, s, "POST", "/rooms", body)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d %s", spelling, res.status, res.body)
		}
		got := api(t, s, "GET", fmt.Sprintf("/rooms/r%d", i), nil)
		for _, want := range []string{`"exp":` + num(exp), `"nbf":` + num(now-60), `"eject_after_elapsed":` + num(600),
			`"sfu_switchover":` + num(2), `"max_participants":10.0`, `"num_endpoints":2.0`} {
			if !bytes.Contains(got.body, []byte(want)) {
				t.Errorf("%s: GET does not echo %s as sent: %s", spelling, want, got.body)
			}
		}
		if eps := obj(obj(got.json(t)["config"])["sip_uri"])["extra_endpoints"]; len(eps.([]any)) != 1 {
			t.Errorf("num_endpoints 2.0: extra endpoints %v, want one", eps)
		}
	}
	if n := len(list(ok(t, s, "GET", "/rooms", nil), "data")); n != 4 {
		t.Fatalf("%d rooms listed, want 4", n)
	}
	for prop, body := range map[string]string{
		"max_participants must be an integer":                         `{"properties":{"max_participants":10.5}}`,
		"sip.num_endpoints must be an integer from 1 to 5":            `{"properties":{"sip":{"display_name":"x","sip_mode":"dial-in","num_endpoints":1.5}}}`,
		"eject_after_elapsed must be a number":                        `{"properties":{"eject_after_elapsed":"600"}}`,
		"exp was '" + fmt.Sprint(now-1) + ".5', which is in the past": fmt.Sprintf(`{"properties":{"exp":%d.5}}`, now-1),
	} {
		wantError(t, api(t, s, "POST", "/rooms", body), 400, "invalid-request-error", prop)
	}
}

// A fractional exp counts to its fraction: the room is listed until that instant, then gone.
func TestFractionalExpExpiresAtItsFraction(t *testing.T) {
	s, clock := newTest(t)
	exp := clock.Now().Unix() + 10
	ok(t, s, "POST", "/rooms", fmt.Sprintf(`{"name":"pipecat","properties":{"exp":%d.6178238}}`, exp))
	clock.Advance(10*time.Second + 600*time.Millisecond)
	if res := api(t, s, "GET", "/rooms/pipecat", nil); res.status != http.StatusOK {
		t.Fatalf("0.0178 s before its exp the room is %d", res.status)
	}
	clock.Advance(20 * time.Millisecond)
	wantError(t, api(t, s, "GET", "/rooms/pipecat", nil), 404, "not-found", "pipecat")
}

// Token exp, nbf and eject_after_elapsed take every spelling too; the claims carry the
// numbers as sent, and a fractional exp or nbf gates joining at its fraction.
func TestTokenNumbersInEverySpelling(t *testing.T) {
	s, clock := newTest(t)
	now := clock.Now().Unix()
	sipRoom(t, s, "room", 1)
	for _, spelling := range []string{"%d", "%d.0", "%d.25"} {
		num := func(n int64) string { return fmt.Sprintf(spelling, n) }
		body := fmt.Sprintf(`{"properties":{"room_name":"room","exp":%s,"nbf":%s,"eject_after_elapsed":%s}}`, num(now+60), num(now-60), num(30))
		token := ok(t, s, "POST", "/meeting-tokens", body)["token"].(string)
		got := api(t, s, "GET", "/meeting-tokens/"+token, nil)
		for _, want := range []string{`"exp":` + num(now+60), `"nbf":` + num(now-60), `"eject_after_elapsed":` + num(30)} {
			if got.status != http.StatusOK || !bytes.Contains(got.body, []byte(want)) {
				t.Errorf("%s: token properties %d %s, want %s", spelling, got.status, got.body, want)
			}
		}
	}
	wantError(t, api(t, s, "POST", "/meeting-tokens", fmt.Sprintf(`{"properties":{"room_name":"room","exp":%d.5}}`, now-1)),
		400, "invalid-request-error", fmt.Sprintf("exp was '%d.5', which is in the past", now-1))

	late := ok(t, s, "POST", "/meeting-tokens", fmt.Sprintf(`{"properties":{"room_name":"room","nbf":%d.5,"exp":%d.5}}`, now+1, now+2))["token"].(string)
	clock.Advance(1400 * time.Millisecond)
	if res := participant(t, s, "POST", "room", "join", late, nil); res.status != http.StatusForbidden {
		t.Fatalf("join 0.1 s before a fractional nbf: %d %s", res.status, res.body)
	}
	clock.Advance(200 * time.Millisecond)
	joinRoom(t, s, "room", late)
	clock.Advance(time.Second)
	if _, err := s.VerifyMeetingToken(late); err == nil || !strings.Contains(err.Error(), "expired at") {
		t.Fatalf("after its fractional exp the token verifies: %v", err)
	}
}
