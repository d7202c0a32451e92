package doctor

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

const (
	number  = "+14155550100"
	bare    = "+14155550101" // owned, no route
	unowned = "+14155550199"
	secret  = "c2VjcmV0LWEtc2VjcmV0LWEtc2VjcmV0LWEtc2VjcmU="
)

// fakeServe answers like serve: Daily's verification body with 200 when it is signed with
// the route's secret, /events with 200, /readyz with readyz.
func fakeServe(t *testing.T, webhookStatus, readyz int) *httptest.Server {
	t.Helper()
	v := &webhook.Verifier{Secrets: map[string]string{"route": secret}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/dialin":
			body := make([]byte, 4096)
			n, _ := r.Body.Read(body)
			if _, err := v.VerifyRequest(r.Header, body[:n]); err != nil {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
			w.WriteHeader(webhookStatus)
		case "/events":
			w.WriteHeader(http.StatusOK)
		case "/readyz":
			w.WriteHeader(readyz)
			_, _ = w.Write([]byte(`{"status":"unavailable","reason":"no route secrets loaded"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// holdMusic serves a HEAD for /hold.mp3 over TLS with the given size and type.
func holdMusic(t *testing.T, size, ctype string) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", size)
		w.Header().Set("Content-Type", ctype)
	}))
	t.Cleanup(srv.Close)
	return srv
}

type world struct {
	*cmdtest.Env
	client *daily.Client
	tls    *httptest.Server
}

// newWorld: number routed to serve with hold music and a timeout message (change routes
// with route), bare owned without a route.
func newWorld(t *testing.T, tls *httptest.Server) *world {
	t.Helper()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	e.Server.SeedPurchased(number, time.Now().Add(-30*24*time.Hour))
	e.Server.SeedPurchased(bare, time.Now().Add(-30*24*time.Hour))
	return &world{Env: e, client: daily.New(e.Server.APIKey, daily.WithBaseURL(e.Server.URL), daily.WithoutRateLimit()), tls: tls}
}

func (w *world) route(t *testing.T, e daily.PinlessDialinEntry) {
	t.Helper()
	if _, err := w.client.SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{e}); err != nil {
		t.Fatal(err)
	}
}

func (w *world) healthy(t *testing.T, serve *httptest.Server) daily.PinlessDialinEntry {
	e := daily.PinlessDialinEntry{PhoneNumber: number, RoomCreationAPI: serve.URL + "/dialin", HMAC: secret,
		HoldMusicURL: w.tls.URL + "/hold.mp3", TimeoutConfig: &daily.TimeoutConfig{Message: "Sorry"}}
	w.route(t, e)
	return e
}

// doctor runs `dialin doctor ARGS` and returns its stdout and error.
func (w *world) doctor(t *testing.T, args ...string) (string, error) {
	t.Helper()
	w.Out.Reset()
	var opts *Options
	if err := cmdtest.Exec(NewCmdDoctor(w.Factory, func(o *Options) error { opts = o; return nil }), args...); err != nil {
		return "", err
	}
	opts.httpClient = w.tls.Client()
	err := doctorRun(context.Background(), opts)
	return w.Out.String(), err
}

func wantLines(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("output lacks %q:\n%s", l, out)
		}
	}
}

func TestAHealthyNumberPassesEveryCheck(t *testing.T) {
	t.Parallel()
	w := newWorld(t, holdMusic(t, "524288", "audio/mpeg"))
	serve := fakeServe(t, http.StatusOK, http.StatusOK)
	w.healthy(t, serve)
	if _, err := w.client.CreateWebhook(context.Background(), daily.WebhookRequest{URL: serve.URL + "/events", EventTypes: []string{"dialin.ready"}}); err != nil {
		t.Fatal(err)
	}
	out, err := w.doctor(t, "--number", number, "--patch", "serve", "--serve", serve.URL)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantLines(t, out,
		"✓ key: valid, for domain ",
		"✓ "+number+" owned: purchased by this domain",
		"✓ "+number+" routed: webhook "+serve.URL+"/dialin",
		"✓ "+number+" webhook answers: answered 200 in ",
		"- "+number+" hmac: not checked: pass --admin URL (serve's admin listener, such as http://127.0.0.1:7861) to compare the secret serve holds with the route's hmac",
		"✓ "+number+" hold music: an https MP3 of 0.5 MB",
		"✓ "+number+` timeout message: "Sorry"`,
		"✓ serve ready: "+serve.URL+"/readyz answered 200",
		"✓ events subscription: "+serve.URL+"/events gets dialin.ready",
	)
	if strings.Contains(out, secret) || strings.Contains(out, "✗") {
		t.Fatalf("a secret or a failure:\n%s", out)
	}
}

// TestEachCheckFails makes each check fail once: a ✗ line with its fix, and exit 1.
func TestEachCheckFails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		music *httptest.Server
		setup func(t *testing.T, w *world) []string // returns the doctor's arguments
		want  []string
	}{
		{"key", nil, func(t *testing.T, w *world) []string {
			if err := w.LoadConfig(t).SetAPIKey("not-the-key"); err != nil {
				t.Fatal(err)
			}
			return nil
		}, []string{"✗ key: Daily refuses the API key\n    fix: dialin auth login"}},
		{"no routes", nil, func(t *testing.T, w *world) []string { return nil },
			[]string{"✗ routes: no number has a route\n    fix: dialin routes set --number NUMBER"}},
		{"not owned", nil, func(t *testing.T, w *world) []string { return []string{"--number", unowned} },
			[]string{"✗ " + unowned + " owned: not among the domain's purchased numbers\n    fix: dialin numbers list shows them; buy it with: dialin numbers buy " + unowned}},
		{"not routed", nil, func(t *testing.T, w *world) []string { return []string{"--number", bare} },
			[]string{"✗ " + bare + " routed: no route: Daily has no webhook to call\n    fix: dialin routes set --number " + bare + " --url https://<serve host>/dialin"}},
		{"webhook refuses", nil, func(t *testing.T, w *world) []string {
			w.healthy(t, fakeServe(t, http.StatusServiceUnavailable, http.StatusOK))
			return []string{"--number", number}
		}, []string{"✗ " + number + " webhook answers: answered 503 to Daily's verification body (want 2xx)\n    fix: start serve where "}},
		{"webhook silent", nil, func(t *testing.T, w *world) []string {
			// answers only when the doctor has given up and hung up (the server notices a
			// hang-up once the body is read), or when the test is over: the emulator's own
			// verification POST to the route waits 5 s for an answer, and Close waits for it
			testOver := make(chan struct{})
			slow := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-r.Context().Done():
				case <-testOver:
				}
			}))
			t.Cleanup(slow.Close)
			t.Cleanup(func() { close(testOver) }) // first: cleanups run last-in first-out
			e := w.healthy(t, fakeServe(t, http.StatusOK, http.StatusOK))
			e.RoomCreationAPI = slow.URL + "/dialin"
			w.route(t, e)
			return []string{"--number", number}
		}, []string{"✗ " + number + " webhook answers: no answer within 2s: context deadline exceeded"}},
		{"hold music too big", holdMusic(t, "11534336", "audio/mpeg"), func(t *testing.T, w *world) []string {
			w.healthy(t, fakeServe(t, http.StatusOK, http.StatusOK))
			return []string{"--number", number}
		}, []string{"✗ " + number + " hold music: 11.0 MB; Daily plays files up to 10 MB\n    fix: host an https MP3 under 10 MB"}},
		{"hold music not mp3", holdMusic(t, "1000", "text/html"), func(t *testing.T, w *world) []string {
			w.healthy(t, fakeServe(t, http.StatusOK, http.StatusOK))
			return []string{"--number", number}
		}, []string{"✗ " + number + " hold music: served as text/html, not audio/mpeg"}},
		{"hold music http", nil, func(t *testing.T, w *world) []string {
			e := w.healthy(t, fakeServe(t, http.StatusOK, http.StatusOK))
			e.HoldMusicURL = "http://cdn.example.com/hold.mp3"
			w.route(t, e)
			return []string{"--number", number}
		}, []string{"✗ " + number + " hold music: must use https"}},
		{"no timeout message", nil, func(t *testing.T, w *world) []string {
			e := w.healthy(t, fakeServe(t, http.StatusOK, http.StatusOK))
			e.TimeoutConfig = nil
			w.route(t, e)
			return []string{"--number", number}
		}, []string{"✗ " + number + " timeout message: not set", "fix: dialin routes set --number " + number + " --timeout-message '"}},
		{"serve not ready", nil, func(t *testing.T, w *world) []string {
			serve := fakeServe(t, http.StatusOK, http.StatusServiceUnavailable)
			w.healthy(t, serve)
			return []string{"--number", number, "--serve", serve.URL}
		}, []string{`✗ serve ready: /readyz answered 503: {"status":"unavailable","reason":"no route secrets loaded"}`}},
		{"no events subscription", nil, func(t *testing.T, w *world) []string {
			w.healthy(t, fakeServe(t, http.StatusOK, http.StatusOK))
			return []string{"--number", number, "--patch", "serve"}
		}, []string{"✗ events subscription: none: with --patch serve, serve never hears dialin.ready", "fix: with serve running: dialin webhooks create --url https://127.0.0.1:"}},
		{"events elsewhere", nil, func(t *testing.T, w *world) []string {
			w.healthy(t, fakeServe(t, http.StatusOK, http.StatusOK))
			other := fakeServe(t, http.StatusOK, http.StatusOK)
			if _, err := w.client.CreateWebhook(context.Background(), daily.WebhookRequest{URL: other.URL + "/events", EventTypes: []string{"dialin.ready"}}); err != nil {
				t.Fatal(err)
			}
			return []string{"--number", number, "--patch", "serve"}
		}, []string{"✗ events subscription: goes to " /* the other server */, ", not to serve (127.0.0.1:", "/events --yes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			music := tc.music
			if music == nil {
				music = holdMusic(t, "1000", "audio/mpeg")
			}
			w := newWorld(t, music)
			out, err := w.doctor(t, tc.setup(t, w)...)
			if !errors.Is(err, cmdutil.ErrSilent) {
				t.Fatalf("exit: %v, want 1 (a failed check)\n%s", err, out)
			}
			wantLines(t, out, tc.want...)
		})
	}
}

func TestJSONAndBadFlags(t *testing.T) {
	t.Parallel()
	w := newWorld(t, holdMusic(t, "1000", "audio/mpeg"))
	out, err := w.doctor(t, "--number", bare, "--json")
	if !errors.Is(err, cmdutil.ErrSilent) || !strings.Contains(out, `"name": "`+bare+` routed"`) || !strings.Contains(out, `"status": "fail"`) {
		t.Fatalf("%v\n%s", err, out)
	}
	for args, want := range map[string]string{
		"--number=call-me":        "--number: ",
		"--patch=sometimes":       `--patch: must be bot or serve, got "sometimes"`,
		"--serve=ftp://x.example": "--serve: must be an absolute https URL",
		"--admin=127.0.0.1:7861":  "--admin: an http(s) URL such as http://127.0.0.1:7861",
	} {
		_, err := w.doctor(t, args)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", args, err, want)
		}
	}
}
