package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// adminOf starts an engine over the emulator with the given secret source and serves its
// admin listener on loopback.
func adminOf(t *testing.T, client *daily.Client, secrets serve.SecretSource, token string) *httptest.Server {
	t.Helper()
	cfg := &serveconfig.Config{MaxBodyBytes: 4096, Rules: []rules.Rule{{Name: "never", Match: rules.Matcher{To: []string{"\x00never\x00"}}, Bot: rules.Bot{URL: "http://127.0.0.1:1/"}}}}
	srv, err := serve.New(cfg, serve.Deps{Client: client, Secrets: secrets, EventSecrets: serve.StaticSecrets{}})
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.Start(t.Context()) // the events secret may be missing; only the routes' matter here
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	hs := httptest.NewServer(Handler(Options{Server: srv, Token: token}))
	t.Cleanup(hs.Close)
	return hs
}

func getSecret(t *testing.T, url, auth string) (int, SecretAnswer, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	var a SecretAnswer
	_ = json.Unmarshal(raw, &a)
	return resp.StatusCode, a, string(raw)
}

// TestSecretFingerprintEndpoint: a routed number answers its route hmac's fingerprint, an
// unknown number 404 with source none, a static secret its own fingerprint; never a secret.
func TestSecretFingerprintEndpoint(t *testing.T) {
	t.Parallel()
	emu := dailytest.New(t, dailytest.WithoutRateLimit())
	client := daily.New(emu.APIKey, daily.WithBaseURL(emu.URL), daily.WithoutRateLimit())
	const num, hmacA, static = "+14155550100", "c2VjcmV0LWEtc2VjcmV0LWEtc2VjcmV0LWEtc2VjcmU=", "c3RhdGljLXN0YXRpYy1zdGF0aWMtc3RhdGljLXN0YXQ="
	emu.SeedPurchased(num, time.Now().Add(-time.Hour))
	if _, err := client.SetPinlessDialin(t.Context(), []daily.PinlessDialinEntry{{PhoneNumber: num, RoomCreationAPI: "https://serve.example/dialin", HMAC: hmacA}}); err != nil {
		t.Fatal(err)
	}
	routes := adminOf(t, client, &serve.RouteSecrets{Client: client}, "")
	code, a, raw := getSecret(t, routes.URL+"/api/routes/"+num+"/secret-fingerprint", "")
	if code != http.StatusOK || a.Source != serve.SecretSourceRoute || a.Fingerprint != webhook.SecretFingerprint(hmacA) || a.Number != num {
		t.Errorf("routed number: %d %s", code, raw)
	}
	code, a, raw = getSecret(t, routes.URL+"/api/routes/+14155550199/secret-fingerprint", "")
	if code != http.StatusNotFound || a.Source != serve.SecretSourceNone || a.Fingerprint != "" {
		t.Errorf("unknown number: %d %s", code, raw)
	}
	fixed := adminOf(t, client, serve.StaticSecrets{"DIALIN_WEBHOOK_SECRET": static}, "")
	code, a, raw = getSecret(t, fixed.URL+"/api/routes/"+num+"/secret-fingerprint", "")
	if code != http.StatusOK || a.Source != serve.SecretSourceStatic || a.Fingerprint != webhook.SecretFingerprint(static) {
		t.Errorf("static secret: %d %s", code, raw)
	}
	for _, s := range []string{hmacA, static} {
		if strings.Contains(raw, s) {
			t.Fatalf("a secret in the answer: %s", raw)
		}
	}
}

// TestSecretFingerprintIsGuarded: the endpoint sits behind the admin guard like the others.
func TestSecretFingerprintIsGuarded(t *testing.T) {
	t.Parallel()
	emu := dailytest.New(t, dailytest.WithoutRateLimit())
	client := daily.New(emu.APIKey, daily.WithBaseURL(emu.URL), daily.WithoutRateLimit())
	hs := adminOf(t, client, &serve.RouteSecrets{Client: client}, "")
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/routes/+14155550100/secret-fingerprint", nil)
	req.Host = "evil.example" // a rebound name: refused as for /api/calls
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("rebound host: %d, want 403", resp.StatusCode)
	}
}
