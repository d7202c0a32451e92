package simulate

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/standin"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/botcall"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

const number = "+14155550100"

var routeSecret = base64.StdEncoding.EncodeToString([]byte("route-secret-0123456789abcdefghi"))

func TestNewCmdCallFlags(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	parse := func(args ...string) (*CallOptions, error) {
		var got *CallOptions
		err := cmdtest.Exec(NewCmdCall(&cmdutil.Factory{IOStreams: ios}, func(o *CallOptions) error { got = o; return nil }), args...)
		return got, err
	}
	o, err := parse("--to", "+1 (415) 555-0100", "--from", "$(reboot)", "--header", "X-Tenant=acme", "--header", "X-Empty=")
	if err != nil {
		t.Fatal(err)
	}
	if o.To != number || o.From != "$(reboot)" || o.URL != DefaultURL || o.SIPHeaders["X-Tenant"] != "acme" || len(o.SIPHeaders) != 2 {
		t.Fatalf("%+v", o)
	}
	if o, err = parse("--to", "sip:route@x.sip.daily.co", "--from", "a", "--via-emulator"); err != nil || !o.ViaEmulator {
		t.Fatalf("%v %+v", err, o)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "a"}, "--to: required"},
		{[]string{"--to", number}, "--from: required"},
		{[]string{"--to", "4155550100", "--from", "a"}, `--to: "4155550100" is not an E.164 number`},
		{[]string{"--to", number, "--from", ""}, "--from: must not be empty"},
		{[]string{"--to", number, "--from", "a", "--header", "X-Tenant"}, `--header: "X-Tenant" must be NAME=VALUE`},
		{[]string{"--to", number, "--from", "a", "--url", "127.0.0.1:7860/dialin"}, "--url: must be an absolute http or https URL"},
		{[]string{"--to", number, "--from", "a", "--emulator", "https://api.daily.example/v1"}, "--emulator: must be the emulator's http URL"},
		{[]string{"--to", number, "--from", "a", "--emulator", "http://example.com:8089/v1"}, "--emulator: example.com is not on this machine"},
		{[]string{"--to", number, "--from", "a", "--emulator", "http://127.0.0.1:8089", "--via-emulator"}, "--emulator, --via-emulator: give one"},
		{[]string{"--to", number, "--from", "a", "--via-emulator", "--secret-file", "s"}, "--secret-file: not used with the emulator"},
		{[]string{"--to", number, "--from", "a", "--via-emulator", "--timeout", "0s"}, "--timeout: must be more than 0"},
	} {
		_, err := parse(tt.args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want usage error %q", tt.args, err, tt.want)
		}
	}
}

// standinRunner is a bot runner (serve's --bot-url) that hands each call to the stand-in bot,
// in process, which joins the emulator's room and patches the call.
type standinRunner struct {
	mu    sync.Mutex
	calls []botcall.Call
	wg    sync.WaitGroup
}

func (r *standinRunner) start(t *testing.T, emu *dailytest.Server) string {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		c, err := botcall.Read(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.calls = append(r.calls, c)
		r.mu.Unlock()
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			o := standin.Options{APIURL: emu.URL, APIKey: emu.APIKey, TalkTime: 50 * time.Millisecond, Patch: true}.WithCall(c)
			_ = standin.Run(context.Background(), o)
		}()
	}))
	t.Cleanup(func() { r.wg.Wait(); hs.Close() })
	return hs.URL
}

func (r *standinRunner) taken() []botcall.Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]botcall.Call(nil), r.calls...)
}

// serveFor runs the real serve engine for the emulator, with the stand-in runner as its bot,
// and routes number to it with routeSecret.
func serveFor(t *testing.T, e *cmdtest.Env) (*standinRunner, string) {
	t.Helper()
	runner := &standinRunner{}
	client := daily.New(e.Server.APIKey, daily.WithBaseURL(e.Server.URL), daily.WithoutRateLimit())
	srv, err := serve.New(&serveconfig.Config{Default: &rules.Rule{Bot: rules.Bot{URL: runner.start(t, e.Server)}}}, serve.Deps{Client: client, APIKey: e.Server.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.Close()
	})
	e.Server.SeedPurchased(number, time.Now().Add(-30*24*time.Hour))
	entry := daily.PinlessDialinEntry{PhoneNumber: number, RoomCreationAPI: hs.URL + "/dialin", HMAC: routeSecret}
	if _, err := client.SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{entry}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return runner, hs.URL + "/dialin"
}

func run(e *cmdtest.Env, env map[string]string, args ...string) error {
	e.Out.Reset()
	e.ErrOut.Reset()
	cmd := NewCmdCall(e.Factory, func(o *CallOptions) error {
		o.Getenv = func(k string) string { return env[k] }
		if o.Emulator != "" || o.ViaEmulator {
			return emulatorRun(context.Background(), o)
		}
		return sendRun(context.Background(), o)
	})
	return cmdtest.Exec(cmd, args...)
}

// TestSendSignedWebhook: signed with the route's hmac read from Daily, serve accepts the call
// and the bot gets the caller's values byte for byte; signed with another secret, serve
// answers 401, the command exits 1, and nothing starts.
func TestSendSignedWebhook(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	runner, url := serveFor(t, e)
	hostile := "'; rm -rf / # $(id)"
	err := run(e, nil, "--to", number, "--from", hostile, "--header", "X-Tenant=acme", "--url", url, "--call-id", "11111111-2222-4333-8444-555555555555")
	if err != nil {
		t.Fatalf("%v\n%s", err, e.ErrOut)
	}
	want := "200 OK\n{\"status\":\"accepted\",\"call_id\":\"11111111-2222-4333-8444-555555555555\",\"rule\":\"default\"}\n"
	if e.Out.String() != want {
		t.Fatalf("stdout %q, want %q", e.Out, want)
	}
	testkit.Eventually(t, "the condition", func() bool { return len(runner.taken()) == 1 })
	got := runner.taken()[0]
	if got.From != hostile || got.To != number || got.SIPHeaders["X-Tenant"] != "acme" || got.CallDomain != e.Server.DomainID() {
		t.Fatalf("the bot got %+v", got)
	}

	wrong := filepath.Join(t.TempDir(), "wrong")
	if err := os.WriteFile(wrong, []byte(base64.StdEncoding.EncodeToString([]byte("another-secret-0123456789abcdef!"))), 0o600); err != nil {
		t.Fatal(err)
	}
	rooms := e.Server.Count(http.MethodPost, "/rooms")
	err = run(e, nil, "--to", number, "--from", "+15550001111", "--url", url, "--secret-file", wrong)
	if err == nil || err.Error() != url+" answered 401 Unauthorized" {
		t.Fatalf("wrong secret: %v", err)
	}
	if !strings.HasPrefix(e.Out.String(), "401 Unauthorized\n{\"status\":\"rejected\"") {
		t.Fatalf("stdout %q", e.Out)
	}
	if e.Server.Count(http.MethodPost, "/rooms") != rooms || len(runner.taken()) != 1 {
		t.Fatal("a wrongly signed webhook started something")
	}

	// DIALIN_WEBHOOK_SECRET is used before Daily is asked; --json gives the answer as data.
	if err := run(e, map[string]string{"DIALIN_WEBHOOK_SECRET": routeSecret}, "--to", number, "--from", "+15550001111", "--url", url, "--json"); err != nil {
		t.Fatal(err)
	}
	var ans Answer
	if err := json.Unmarshal(e.Out.Bytes(), &ans); err != nil || ans.Status != 200 || ans.URL != url || !strings.Contains(string(ans.Body), `"accepted"`) {
		t.Fatalf("%v %+v", err, ans)
	}
	if out := e.Out.String() + e.ErrOut.String(); strings.Contains(out, routeSecret) || strings.Contains(out, e.Server.APIKey) {
		t.Fatal("a secret was printed")
	}
}

func TestSendWithoutRouteOrServe(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t)
	err := run(e, nil, "--to", number, "--from", "a")
	if err == nil || !strings.HasPrefix(err.Error(), "no pinless_dialin route for +14155550100 on Daily") {
		t.Fatalf("no route: %v", err)
	}
	err = run(e, map[string]string{"DIALIN_WEBHOOK_SECRET": routeSecret}, "--to", number, "--from", "a", "--url", "http://127.0.0.1:1/dialin")
	if err == nil || !strings.HasPrefix(err.Error(), "sending the webhook to http://127.0.0.1:1/dialin: ") {
		t.Fatalf("nothing listening: %v", err)
	}
}

// TestCallThroughEmulator: the emulator holds the call and sends the webhook to serve, the
// stand-in bot patches it, and the command prints the timeline and the hold time.
func TestCallThroughEmulator(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit(), dailytest.WithReadyDelay(20*time.Millisecond))
	serveFor(t, e)
	if err := run(e, nil, "--to", number, "--from", "+15550001111", "--emulator", e.Server.URL); err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, e.Out, e.ErrOut)
	}
	out := e.Out.String()
	for _, want := range []string{`  to "+14155550100" from "+15550001111"`, "     +0ms  received", "  webhook_answered  200", "  bot_started", "  connected", "  connected, hold "} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	assertTimeOrder(t, out)
}

// assertTimeOrder checks that the printed marks' offsets ("+12ms") never go down.
func assertTimeOrder(t *testing.T, out string) {
	t.Helper()
	last := int64(-1)
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.HasPrefix(f[0], "+") || !strings.HasSuffix(f[0], "ms") {
			continue
		}
		ms, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(f[0], "+"), "ms"), 10, 64)
		if err != nil {
			t.Fatalf("offset %q: %v", f[0], err)
		}
		if ms < last {
			t.Fatalf("marks out of time order:\n%s", out)
		}
		last = ms
	}
}

// TestSendFollowsRouteURL: without --url, the webhook goes to the route's loopback URL, the
// one the route's secret belongs to, not to the default address.
func TestSendFollowsRouteURL(t *testing.T) {
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	runner, url := serveFor(t, e)
	if err := run(e, nil, "--to", number, "--from", "+15550001111", "--json"); err != nil {
		t.Fatalf("%v\n%s", err, e.ErrOut)
	}
	var ans Answer
	if err := json.Unmarshal(e.Out.Bytes(), &ans); err != nil || ans.URL != url || ans.Status != 200 {
		t.Fatalf("%v %s", err, e.Out)
	}
	testkit.Eventually(t, "the runner to take the call", func() bool { return len(runner.taken()) == 1 })
}

// TestCallThroughEmulatorRefused: serve is not running, the emulator's webhook is refused,
// and the command hangs the call up and exits 1 at once instead of holding it for the hold
// timeout (two minutes by default; --timeout here is the bound a regression would hit).
func TestCallThroughEmulatorRefused(t *testing.T) {
	e := cmdtest.New(t)
	e.Server.SeedPurchased(number, time.Now().Add(-30*24*time.Hour))
	client := daily.New(e.Server.APIKey, daily.WithBaseURL(e.Server.URL))
	if _, err := client.SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{{PhoneNumber: number, RoomCreationAPI: "http://127.0.0.1:1/dialin"}}); err != nil {
		t.Fatal(err)
	}
	err := run(e, nil, "--to", number, "--from", "+15550001111", "--emulator", e.Server.URL, "--timeout", "60s")
	if err == nil || !strings.Contains(err.Error(), "was not delivered") {
		t.Fatalf("err = %v", err)
	}
	if out := e.Out.String(); !strings.Contains(out, "webhook_failed") || !strings.Contains(out, "ended after ") {
		t.Fatalf("stdout:\n%s", out)
	}
	calls := e.Server.Calls()
	if len(calls) != 1 || calls[0].State != "ended" {
		t.Fatalf("calls %+v", calls)
	}
}

// TestCallThroughEmulatorLost: the route's webhook is answered but no bot ever connects the
// call, the hold times out, the command exits 1.
func TestCallThroughEmulatorLost(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithHoldTimeout(200*time.Millisecond))
	e.Server.SeedPurchased(number, time.Now().Add(-30*24*time.Hour))
	client := daily.New(e.Server.APIKey, daily.WithBaseURL(e.Server.URL))
	silent := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(silent.Close)
	if _, err := client.SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{{PhoneNumber: number, RoomCreationAPI: silent.URL + "/dialin"}}); err != nil {
		t.Fatal(err)
	}
	err := run(e, nil, "--to", number, "--from", "+15550001111", "--emulator", e.Server.URL, "--json")
	if err == nil || !strings.Contains(err.Error(), "was not connected: lost after ") {
		t.Fatalf("err = %v", err)
	}
	var rep struct {
		State     string `json:"state"`
		Connected bool   `json:"connected"`
		HoldMS    *int64 `json:"hold_ms"`
	}
	if err := json.Unmarshal(e.Out.Bytes(), &rep); err != nil || rep.State != "lost" || rep.Connected || rep.HoldMS == nil || *rep.HoldMS < 200 {
		t.Fatalf("%v %s", err, e.Out)
	}
}
