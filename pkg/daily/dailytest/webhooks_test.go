package dailytest

import (
	"encoding/base64"
	"net/http"
	"testing"
)

func TestWebhookLifecycle(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	srv, got := webhookReceiver(t, http.StatusOK)
	created := ok(t, s, "POST", "/webhooks", map[string]any{"url": srv.URL + "/events", "eventTypes": []string{"dialin.ready"}})
	uuid := created["uuid"].(string)
	if created["state"] != "ACTIVE" || created["retryType"] != "circuit-breaker" || created["domainId"] != s.DomainID() ||
		created["failedCount"] != float64(0) || created["createdAt"] != "2026-03-01T12:00:00.000Z" {
		t.Fatalf("created %v", created)
	}
	secret := created["hmac"].(string)
	if key, err := base64.StdEncoding.DecodeString(secret); err != nil || len(key) != 32 {
		t.Fatalf("generated hmac: %v", err)
	}
	reqs := got()
	if len(reqs) != 1 || string(reqs[0].body) != `{"test":"test"}` {
		t.Fatalf("verification requests %v", reqs)
	}
	checkSignature(t, secret, reqs[0].header.Get("X-Webhook-Timestamp"), reqs[0].body, reqs[0].header.Get("X-Webhook-Signature"))

	res := api(t, s, "GET", "/webhooks", nil)
	if res.status != 200 || res.body[0] != '[' {
		t.Fatalf("list must be an array: %s", res.body)
	}
	wantError(t, api(t, s, "POST", "/webhooks", map[string]any{"url": srv.URL}), 400, "invalid-request-error", "max_webhook_count")

	upd := ok(t, s, "POST", "/webhooks/"+uuid, map[string]any{"retryType": "exponential", "basicAuth": "dXNlcjpwdw=="})
	if upd["retryType"] != "exponential" || upd["hmac"] != secret || upd["url"] != srv.URL+"/events" {
		t.Fatalf("update %v", upd)
	}
	if reqs = got(); len(reqs) != 2 || reqs[1].header.Get("Authorization") != "Basic dXNlcjpwdw==" {
		t.Fatalf("update must re-verify with basic auth: %d requests", len(reqs))
	}
	if g := ok(t, s, "GET", "/webhooks/"+uuid, nil); g["retryType"] != "exponential" {
		t.Fatalf("get %v", g)
	}
	del := api(t, s, "DELETE", "/webhooks/"+uuid, nil)
	if del.status != 200 || len(del.body) != 0 {
		t.Fatalf("delete: %d %q", del.status, del.body)
	}
	wantError(t, api(t, s, "GET", "/webhooks/"+uuid, nil), 404, "not-found", uuid)
	wantError(t, api(t, s, "DELETE", "/webhooks/"+uuid, nil), 404, "not-found", uuid)
}

func TestWebhookCreateRules(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	failing, got := webhookReceiver(t, http.StatusInternalServerError)
	wantError(t, api(t, s, "POST", "/webhooks", map[string]any{}), 400, "invalid-request-error", "url is required")
	wantError(t, api(t, s, "POST", "/webhooks", map[string]any{"url": "https://example.com/hook"}), 400, "invalid-request-error", "only to loopback hosts")
	wantError(t, api(t, s, "POST", "/webhooks", map[string]any{"url": failing.URL}), 400, "invalid-request-error", "answered 500")
	if len(got()) != 1 {
		t.Fatal("the failing server should have been asked once")
	}
	wantError(t, api(t, s, "POST", "/webhooks", map[string]any{"url": "http://127.0.0.1:1/closed"}), 400, "invalid-request-error", "webhook verification failed")
	good, _ := webhookReceiver(t, http.StatusOK)
	wantError(t, api(t, s, "POST", "/webhooks", map[string]any{"url": good.URL, "retryType": "never"}), 400, "invalid-request-error", "retryType")
	wantError(t, api(t, s, "POST", "/webhooks", map[string]any{"url": good.URL, "hmac": "%%%"}), 400, "invalid-request-error", "base64")
	if res := api(t, s, "GET", "/webhooks", nil); string(res.body) != "[]\n" {
		t.Fatalf("failed creates must not store anything: %s", res.body)
	}
	own := base64.StdEncoding.EncodeToString([]byte("secret"))
	if m := ok(t, s, "POST", "/webhooks", map[string]any{"url": good.URL, "hmac": own}); m["hmac"] != own {
		t.Fatal("a sent hmac must be kept")
	}
	if n := len(s.Deliveries()); n != 3 {
		t.Fatalf("%d deliveries recorded, want 3 verification attempts", n)
	}
}

func TestWebhookUpdateFailureChangesNothing(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	good, _ := webhookReceiver(t, http.StatusOK)
	bad, _ := webhookReceiver(t, http.StatusNotFound)
	uuid := ok(t, s, "POST", "/webhooks", map[string]any{"url": good.URL})["uuid"].(string)
	wantError(t, api(t, s, "POST", "/webhooks/"+uuid, map[string]any{"url": bad.URL}), 400, "invalid-request-error", "answered 404")
	if g := ok(t, s, "GET", "/webhooks/"+uuid, nil); g["url"] != good.URL {
		t.Fatalf("url changed despite failed verification: %v", g["url"])
	}
}
