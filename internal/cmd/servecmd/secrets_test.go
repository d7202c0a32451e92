package servecmd

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// botRunner is a bot runner (--bot-url) that takes every call and keeps the bodies.
type botRunner struct {
	mu    sync.Mutex
	calls []string
	url   string
}

func newBotRunner(t *testing.T) *botRunner {
	r := &botRunner{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.calls = append(r.calls, string(b))
		r.mu.Unlock()
	}))
	t.Cleanup(hs.Close)
	r.url = hs.URL + "/start"
	return r
}

func (r *botRunner) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

func postCall(t *testing.T, url, secret, callID string) int {
	t.Helper()
	body := []byte(`{"To":"` + testNumber + `","From":"+15550001111","callId":"` + callID + `","callDomain":"0b4e7e32-4b53-4d6c-9a3b-0d9b1f3c2a11"}`)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if secret != "" {
		h, err := webhook.SignHeaders(secret, time.Now(), body)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range h {
			req.Header[k] = v
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeStaticSecretOverridesRoutes: with DIALIN_WEBHOOK_SECRET set, a webhook signed
// with the route's hmac is refused 401 and creates no room; one signed with the variable's
// secret starts the bot. The banner names the variable, never the secret.
func TestServeStaticSecretOverridesRoutes(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	addr, routeSecret, envSecret := freeAddr(t), testSecret("route"), testSecret("env")
	routeTo(t, e, addr, routeSecret)
	runner := newBotRunner(t)
	// No pool: a room created counts a webhook that got through.
	r := startServe(t, e, map[string]string{"DIALIN_WEBHOOK_SECRET": envSecret}, "--addr", addr, "--bot-url", runner.url, "--log-format", "text", "--tokens", "rest", "--warm-rooms", "0")

	id, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550001111"})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "serve's answer to the emulator", func() bool {
		rec, _ := e.Server.Call(id)
		_, ok := rec.At("webhook_answered")
		return ok
	})
	rec, _ := e.Server.Call(id)
	for _, m := range rec.Timeline {
		if m.Name == "webhook_answered" && m.Detail != "401" {
			t.Errorf("serve answered %s, want 401", m.Detail)
		}
	}
	if n := e.Server.Count(http.MethodPost, "/rooms"); n != 0 || runner.count() != 0 {
		t.Fatalf("a wrongly signed webhook made %d rooms and %d bots", n, runner.count())
	}
	if code := postCall(t, r.url+"/dialin", envSecret, "6d8f0c2e-1111-4a8e-9c55-3f1a2b3c4d5e"); code != http.StatusOK {
		t.Fatalf("signed with DIALIN_WEBHOOK_SECRET: %d", code)
	}
	testkit.Eventually(t, "the bot runner to get the call", func() bool { return runner.count() == 1 })
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	out := r.errOut.String()
	if !strings.Contains(out, "secrets  webhook: DIALIN_WEBHOOK_SECRET\n") {
		t.Errorf("banner does not name the secret's source:\n%s", out)
	}
	noSecrets(t, out, e.Server.APIKey, routeSecret, envSecret)
}

// TestServeInsecureWarnsAndMarks: --insecure-skip-verify prints the warning, takes an unsigned
// call, and /metrics (on --metrics-addr only) says so.
func TestServeInsecureWarnsAndMarks(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	runner := newBotRunner(t)
	r := startServe(t, e, nil, "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--insecure-skip-verify", "--bot-url", runner.url, "--log-format", "text")
	if code := postCall(t, r.url+"/dialin", "", "6d8f0c2e-2222-4a8e-9c55-3f1a2b3c4d5e"); code != http.StatusOK {
		t.Fatalf("unsigned webhook: %d", code)
	}
	testkit.Eventually(t, "the bot runner to get the call", func() bool { return runner.count() == 1 })
	out := r.errOut.String()
	for _, want := range []string{
		"!!! WARNING: --insecure-skip-verify: webhook signatures are NOT checked.",
		"secrets  webhook: none: signatures are NOT checked (--insecure-skip-verify)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if resp, err := http.Get(r.url + "/metrics"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on --addr: %v %v, want 404", resp, err)
	} else {
		resp.Body.Close()
	}
	m := regexp.MustCompile(`metrics  (http://127\.0\.0\.1:\d+/metrics)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no metrics URL in the banner:\n%s", out)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"dialin_serve_insecure_skip_verify 1", `dialin_serve_calls_total{outcome="bot_started"} 1`, "dialin_serve_daily_requests_total"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestServeAuthErrors: no key stops serve before it listens (exit 4); a key Daily refuses
// stops it at start-up.
func TestServeAuthErrors(t *testing.T) {
	t.Parallel()
	e := cmdtest.NewWithoutKey(t)
	o, err := parseServe(t, "--bot-cmd", seedCmd, "--addr", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o.IO, o.Config = e.IO, e.Factory.Config
	var noAuth *cmdutil.NoAuthError
	if err := serveRun(context.Background(), o); !errors.As(err, &noAuth) {
		t.Fatalf("without a key: %v", err)
	}

	e2 := cmdtest.NewWithoutKey(t)
	if err := e2.LoadConfig(t).SetAPIKey("wrong-key"); err != nil {
		t.Fatal(err)
	}
	o.IO, o.Config = e2.IO, e2.Factory.Config
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := serveRun(ctx, o); !daily.IsAuth(err) {
		t.Fatalf("with a wrong key: %v", err)
	}
}
