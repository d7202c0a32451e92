package dailytest

import (
	"strings"
	"testing"
	"time"
)

func control(t *testing.T, s *Server, method, path string, body any) apiResult {
	t.Helper()
	return send(t, method, strings.TrimSuffix(s.URL, "/v1")+path, "Bearer "+s.APIKey, body)
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	ok(t, s, "GET", "/", nil)
	api(t, s, "GET", "/rooms/ghost?x=1", nil)
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[1] != (Request{Method: "GET", Path: "/rooms/ghost", Query: "x=1", Status: 404, At: clock.Now().UTC()}) {
		t.Fatalf("requests %+v", reqs)
	}
	if reqs[0].Path != "/" || s.Count("GET", "/rooms/ghost") != 1 || s.Count("", "/") != 1 || s.Count("POST", "/") != 0 {
		t.Fatal("Count mismatch")
	}
	if s.CountBefore("GET", "/", "GET", "/rooms/ghost") != 1 || s.CountBefore("GET", "/rooms/ghost", "GET", "/") != 0 ||
		s.CountBefore("", "/rooms/ghost", "POST", "/") != 1 {
		t.Fatal("CountBefore mismatch")
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Fatal("ResetRequests")
	}
}

func TestControlEndpoints(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	if res := send(t, "GET", strings.TrimSuffix(s.URL, "/v1")+"/_emulator/requests", "", nil); res.status != 400 {
		t.Fatalf("control endpoints need the key: %d", res.status)
	}
	ok(t, s, "GET", "/", nil)
	res := control(t, s, "GET", "/_emulator/requests", nil)
	reqs := list(res.json(t), "requests")
	if res.status != 200 || len(reqs) != 1 || obj(reqs[0])["path"] != "/" || obj(reqs[0])["status"] != float64(200) {
		t.Fatalf("requests: %s", res.body)
	}
	if control(t, s, "POST", "/_emulator/reset-requests", nil).status != 200 || len(s.Requests()) != 0 {
		t.Fatal("reset-requests")
	}

	res = control(t, s, "POST", "/_emulator/faults", map[string]any{"fail_next": map[string]any{"status": 429, "count": 1, "retry_after_s": 3}})
	if res.status != 200 {
		t.Fatalf("faults: %s", res.body)
	}
	if r := api(t, s, "GET", "/", nil); r.status != 429 || r.header.Get("Retry-After") != "3" {
		t.Fatalf("fail_next via control: %d %q", r.status, r.header.Get("Retry-After"))
	}
	control(t, s, "POST", "/_emulator/faults", map[string]any{"fail_rate": map[string]any{"share": 1, "status": 500}, "latency_ms": 5})
	wantError(t, api(t, s, "GET", "/", nil), 500, "server-error", "")
	if s.latency() != 5*time.Millisecond {
		t.Fatal("latency_ms not applied")
	}
	control(t, s, "POST", "/_emulator/faults", map[string]any{"fail_rate": map[string]any{"share": 0}, "latency_ms": 0})
	ok(t, s, "GET", "/", nil)
	wantError(t, control(t, s, "POST", "/_emulator/faults", map[string]any{"fail_next": map[string]any{"status": 200, "count": 1}}), 400, "invalid-request-error", "fail_next.status")
	wantError(t, control(t, s, "POST", "/_emulator/faults", map[string]any{"fail_rate": map[string]any{"share": 2, "status": 500}}), 400, "invalid-request-error", "share")

	before := clock.Now()
	res = control(t, s, "POST", "/_emulator/clock", map[string]any{"advance_s": 86400})
	if res.status != 200 || !clock.Now().Equal(before.Add(24*time.Hour)) {
		t.Fatalf("clock: %s", res.body)
	}
	if res.json(t)["now"] != clock.Now().Format(time.RFC3339Nano) {
		t.Fatalf("clock answer %s", res.body)
	}
	wantError(t, control(t, s, "POST", "/_emulator/clock", map[string]any{}), 400, "invalid-request-error", "advance_s")
	if control(t, s, "GET", "/_emulator/deliveries", nil).status != 200 {
		t.Fatal("deliveries")
	}
	wantError(t, control(t, s, "GET", "/_emulator/nope", nil), 404, "not-found", "")
	wantError(t, control(t, s, "DELETE", "/_emulator/faults", nil), 405, "invalid-request-error", "")
	if len(s.Requests()) != 3 {
		t.Fatalf("control requests must not be recorded: %+v", s.Requests())
	}
}

func TestAdvanceWithRealClockUsesAnOffset(t *testing.T) {
	t.Parallel()
	s := New(t, WithoutRateLimit())
	before := time.Now()
	s.Advance(20 * 24 * time.Hour)
	id := ok(t, s, "POST", "/buy-phone-number", nil)["id"].(string)
	m := ok(t, s, "GET", "/purchased-phone-numbers", nil)
	created, err := time.Parse(time.RFC3339, obj(list(m, "data")[0])["created_date"].(string))
	if err != nil || created.Before(before.Add(20*24*time.Hour-time.Second)) {
		t.Fatalf("created_date %v does not include the offset", created)
	}
	wantError(t, api(t, s, "DELETE", "/release-phone-number/"+id, nil), 400, "invalid-request-error", "14 days")
	if _, ok := s.Clock().(realClock); !ok {
		t.Fatal("default clock should be the real clock")
	}
}

func TestStartAndHandler(t *testing.T) {
	t.Parallel()
	s, err := Start("127.0.0.1:0", WithAPIKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if res := send(t, "GET", s.URL+"/", "Bearer k", nil); res.status != 200 {
		t.Fatalf("Start: %d", res.status)
	}
	if s.Handler() == nil {
		t.Fatal("Handler")
	}
	s.Close()
	s.Close() // idempotent
	if _, err := Start("256.0.0.1:0"); err == nil {
		t.Fatal("bad address accepted")
	}
}

func TestLogsAreBoundedAndHoldNoTokens(t *testing.T) {
	t.Parallel()
	log := []int{}
	for i := range maxLogged + 5 {
		log = appendBounded(log, i)
	}
	if len(log) != maxLogged || log[0] != 5 || log[len(log)-1] != maxLogged+4 {
		t.Fatalf("bounded log: len %d, first %d", len(log), log[0])
	}
	s, _ := newTest(t)
	tok := ok(t, s, "POST", "/meeting-tokens", map[string]any{})["token"].(string)
	ok(t, s, "GET", "/meeting-tokens/"+tok, nil)
	for _, r := range s.Requests() {
		if strings.Contains(r.Path, tok) || strings.Contains(r.Query, tok) {
			t.Fatal("a meeting token was logged")
		}
	}
	if s.Count("GET", "/meeting-tokens/:token") != 1 {
		t.Fatal("token lookups are counted under /meeting-tokens/:token")
	}
}
