package serve

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// A route's secret proves that route only: a call to number B signed with route A's secret
// is refused (401, counted as wrong_route, logged with the reason) and starts nothing; B's
// own secret, and A's secret for A's number, are accepted.
func TestRouteSecretProvesOneRoute(t *testing.T) {
	t.Parallel()
	const numberB = "+14155550199"
	h := newHarness(t, harnessOpts{noStart: true})
	secretB := newSecret(t, "route-b")
	h.emu.SeedPurchased(numberB, time.Now().Add(-30*24*time.Hour))
	ctx := context.Background()
	_, err := h.client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{
		{PhoneNumber: testNumber, RoomCreationAPI: h.hs.URL + "/dialin", HMAC: h.secret},
		{PhoneNumber: numberB, RoomCreationAPI: h.hs.URL + "/dialin", HMAC: secretB},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id, to, secret string
		code           int
		label          string
	}{
		{"cross-a-for-b", numberB, h.secret, 401, "wrong_route"},
		{"cross-b-for-a", testNumber, secretB, 401, "wrong_route"},
		{"unknown-to", "+14155550142", h.secret, 401, "unknown_route"},
		{"own-b", numberB, secretB, 200, ""},
		{"own-a", testNumber, h.secret, 200, ""},
	}
	for _, c := range cases {
		code, r := h.post("/dialin", callBody(c.id, c.to, "+15550001111", nil), c.secret, "")
		if code != c.code {
			t.Errorf("%s: %d %+v, want %d", c.id, code, r, c.code)
		}
		if c.label != "" && h.metric("dialin_serve_webhooks_rejected_total", c.label) == 0 {
			t.Errorf("%s: not counted as %s", c.id, c.label)
		}
	}
	if n := h.metric("dialin_serve_webhooks_rejected_total", "wrong_route"); n != 2 {
		t.Errorf("wrong_route counted %v times, want 2", n)
	}
	if !strings.Contains(h.logs.String(), "not of route "+numberB+" (the route of To)") {
		t.Errorf("the log does not say why: %s", h.logs.String())
	}
	for _, id := range []string{"cross-a-for-b", "cross-b-for-a", "unknown-to"} {
		if len(h.events.of(EventReceived, id)) != 0 {
			t.Errorf("%s was taken", id)
		}
	}
	for _, s := range []string{h.secret, secretB} {
		if strings.Contains(h.logs.String(), s) {
			t.Fatal("a secret is in the log")
		}
	}
}

// With one secret for every call (DIALIN_WEBHOOK_SECRET), any To it signs is accepted.
func TestStaticSecretIsNotBoundToARoute(t *testing.T) {
	t.Parallel()
	static := newSecret(t, "static")
	h := newHarness(t, harnessOpts{deps: func(d *Deps) { d.Secrets = StaticSecrets{"DIALIN_WEBHOOK_SECRET": static} }})
	if code, r := h.post("/dialin", callBody("static-any", "+14155550142", "+15550001111", nil), static, ""); code != 200 || r.Status != "accepted" {
		t.Fatalf("%d %+v", code, r)
	}
}
