package serve

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// readyz reads serve's /readyz.
func (h *harness) readyz() (int, string) {
	h.t.Helper()
	resp, err := http.Get(h.hs.URL + "/readyz")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// tokens: auto with a key Daily accepts signatures of: the start-up check asks Daily once,
// and calls then get locally signed tokens, with no request per call.
func TestAutoTokensSignLocallyOnceDailyAcceptsOne(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{cfg: &serveconfig.Config{Tokens: serveconfig.TokensAuto}})
	if n := h.emu.Count(http.MethodGet, "/meeting-tokens/:token"); n != 1 {
		t.Fatalf("%d token checks at start-up, want 1", n)
	}
	if code, body := h.readyz(); code != http.StatusOK || strings.Contains(body, "REST") {
		t.Fatalf("/readyz: %d %s, want ok without a note", code, body)
	}
	code, r := h.post("/dialin", callBody("auto-local", testNumber, "+15550001", nil), h.secret, "")
	if code != http.StatusOK || r.Status != "accepted" {
		t.Fatalf("webhook: %d %+v", code, r)
	}
	h.waitEvent(EventBotStarted, "auto-local")
	testkit.Eventually(t, "the bot's record", func() bool { return len(h.records()) == 1 })
	recs := h.records()
	if _, err := h.emu.VerifyMeetingToken(recs[0].Env["DIALIN_TOKEN"]); err != nil {
		t.Fatalf("the bot's token is not one Daily accepts: %v", err)
	}
	if n := h.emu.Count(http.MethodPost, "/meeting-tokens"); n != 0 {
		t.Fatalf("%d POST /meeting-tokens, want 0 (tokens signed locally)", n)
	}
	if strings.Contains(h.logs.String(), "REST API") {
		t.Fatalf("serve logged a fallback it did not make:\n%s", h.logs.String())
	}
}

// tokens: auto with a key whose signatures Daily does not accept: serve falls back to REST
// tokens, says so once in its log and on /readyz, and calls still get a token that works.
func TestAutoTokensFallBackToRESTWhenDailyRefusesTheSignedOne(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{cfg: &serveconfig.Config{Tokens: serveconfig.TokensAuto},
		deps: func(d *Deps) { d.APIKey = "a-key-that-is-not-the-domains" }})
	code, body := h.readyz()
	if code != http.StatusOK || !strings.Contains(body, "meeting tokens from Daily's REST API") {
		t.Fatalf("/readyz: %d %s, want ok with the fallback's reason", code, body)
	}
	if n := strings.Count(h.logs.String(), "meeting tokens come from Daily's REST API"); n != 1 {
		t.Fatalf("%d fallback log lines, want 1:\n%s", n, h.logs.String())
	}
	code, r := h.post("/dialin", callBody("auto-rest", testNumber, "+15550001", nil), h.secret, "")
	if code != http.StatusOK || r.Status != "accepted" {
		t.Fatalf("webhook: %d %+v", code, r)
	}
	h.waitEvent(EventBotStarted, "auto-rest")
	if n := h.emu.Count(http.MethodPost, "/meeting-tokens"); n != 1 {
		t.Fatalf("%d POST /meeting-tokens, want 1 (REST token for the call)", n)
	}
	testkit.Eventually(t, "the bot's record", func() bool { return len(h.records()) == 1 })
	recs := h.records()
	if _, err := h.emu.VerifyMeetingToken(recs[0].Env["DIALIN_TOKEN"]); err != nil {
		t.Fatalf("the bot's token is not one Daily accepts: %v", err)
	}
}
