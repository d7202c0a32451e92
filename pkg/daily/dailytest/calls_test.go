package dailytest

import "testing"

func TestPinlessCallUpdateErrors(t *testing.T) {
	s, _ := newTest(t)
	full := map[string]any{"callId": "a7bf8461-7d33-4083-9677-5cfdb4f337a5", "callDomain": "9c975848-a067-4de0-bf47-1b4179ceba4e", "sipUri": "sip:room.0@x"}
	for _, k := range []string{"callId", "callDomain", "sipUri"} {
		body := map[string]any{}
		for kk, v := range full {
			if kk != k {
				body[kk] = v
			}
		}
		wantError(t, api(t, s, "POST", "/dialin/pinlessCallUpdate", body), 400, "invalid-request-error", "Missing fields")
	}
	wantError(t, api(t, s, "POST", "/dialin/pinlessCallUpdate", full), 404, "not-found", "Call Forwarding Failed")
}

func TestPinlessCallUpdateForwardsAHeldCall(t *testing.T) {
	s, _ := newTest(t)
	var target string
	s.mu.Lock()
	s.calls["c1"] = &call{id: "c1", domain: "d1", forward: func(uri string) bool { target = uri; return uri == "sip:ready@x" }}
	s.mu.Unlock()
	body := map[string]any{"callId": "c1", "callDomain": "d1", "sipUri": "sip:ready@x"}
	if m := ok(t, s, "POST", "/dialin/pinlessCallUpdate", body); m["ok"] != true || target != "sip:ready@x" {
		t.Fatalf("answer %v, forwarded to %q", m, target)
	}
	body["callDomain"] = "other"
	wantError(t, api(t, s, "POST", "/dialin/pinlessCallUpdate", body), 404, "not-found", "Call Forwarding Failed")
	body["callDomain"], body["sipUri"] = "d1", "sip:not-ready@x"
	wantError(t, api(t, s, "POST", "/dialin/pinlessCallUpdate", body), 404, "not-found", "Call Forwarding Failed")
}
