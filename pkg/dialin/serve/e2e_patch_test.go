package serve

import (
	"context"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testbot"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// With patch: serve and two SIP endpoints, Daily sends dialin.ready twice; serve patches the
// call exactly once, and the bot gets no API key.
func TestServePatchesOnceWithTwoEndpoints(t *testing.T) {
	t.Parallel()
	cfg := &serveconfig.Config{Patch: serveconfig.PatchServe, Room: rules.Room{NumEndpoints: 2}}
	h := newHarness(t, harnessOpts{cfg: cfg, events: true, botEnv: []string{testbot.EnvJoin + "=1", testbot.EnvSleep + "=30s"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ids := make([]string, 3)
	for i := range ids {
		id, err := h.emu.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550001111"})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	for _, id := range ids {
		rec, err := h.emu.WaitCall(ctx, id, "connected", "lost", "dropped")
		if err != nil || rec.State != "connected" {
			t.Fatalf("call %s: %s %v", id, rec.State, err)
		}
		h.waitEvent(EventPatched, id)
		h.waitEvent(EventConnected, id)
		testkit.Eventually(t, "both ready events of "+id, func() bool { return len(h.events.of(EventReady, id)) == 2 })
		if n := len(h.events.of(EventPatched, id)); n != 1 {
			t.Fatalf("%s patched %d times", id, n)
		}
	}
	if n := h.emu.Count("POST", "/dialin/pinlessCallUpdate"); n != len(ids) {
		t.Fatalf("pinlessCallUpdate called %d times for %d calls", n, len(ids))
	}
	testkit.Eventually(t, "the bots' records", func() bool { return len(h.records()) == len(ids) })
	for _, r := range h.records() {
		if _, ok := r.Env["DAILY_API_KEY"]; ok || r.Patched || len(r.Ready) != 2 {
			t.Fatalf("bot with patch: serve: key given %v, patched %v, ready %v", ok, r.Patched, r.Ready)
		}
	}
	if h.metric("dialin_serve_patches_total", "ok") != 3 || h.metric("dialin_serve_hold_seconds") != 3 {
		t.Fatal("patches or hold times not counted")
	}
	// Daily's duplicate deliveries of a ready event change nothing.
	rec, _ := h.emu.Call(ids[0])
	body := []byte(`{"version":"1.0.0","type":"dialin.ready","id":"evt-dup","event_ts":1,"payload":{"timestamp":1,"domain_id":"` + rec.Domain + `","room":"` + rec.Room + `","sip_endpoint":"sip:x@y"}}`)
	if code, r := h.post(cfg.EventsPath, body, h.evSecret, ""); code != 200 || r.Status != "ok" {
		t.Fatalf("duplicate ready: %d %+v", code, r)
	}
	if n := h.emu.Count("POST", "/dialin/pinlessCallUpdate"); n != len(ids) {
		t.Fatalf("a duplicate ready event patched again (%d)", n)
	}
}

func TestEventsPathChecksSignatures(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{events: true})
	ready := []byte(`{"version":"1.0.0","type":"dialin.ready","id":"e1","event_ts":1,"payload":{"room":"nope","sip_endpoint":"sip:a@b"}}`)
	cases := []struct {
		name, secret string
		body         []byte
		status       int
		want         string
	}{
		{"signed", h.evSecret, ready, 200, "ok"},
		{"route secret is not the events secret", h.secret, ready, 401, "rejected"},
		{"unsigned", "", ready, 401, "rejected"},
		{"test body unsigned", "", []byte(`{"test":"test"}`), 200, "test"},
		{"garbage signed", h.evSecret, []byte(`[1,2]`), 400, "rejected"},
		{"bad payload signed", h.evSecret, []byte(`{"type":"dialin.connected","payload":{"room":5}}`), 400, "rejected"},
		{"unknown type signed", h.evSecret, []byte(`{"type":"recording.ready-to-download","payload":{}}`), 200, "ok"},
	}
	for _, c := range cases {
		code, r := h.post(h.srv.cfg.EventsPath, c.body, c.secret, "")
		if code != c.status || r.Status != c.want {
			t.Errorf("%s: %d %+v", c.name, code, r)
		}
	}
}
