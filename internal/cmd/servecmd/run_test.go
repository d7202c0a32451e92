package servecmd

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

const testNumber = "+14155550100"

func testSecret(seed string) string {
	return base64.StdEncoding.EncodeToString([]byte((seed + "-0123456789abcdef0123456789abcdef")[:32]))
}

// routeTo buys testNumber and points its route at addr's webhook path with secret.
func routeTo(t *testing.T, e *cmdtest.Env, addr, secret string) {
	t.Helper()
	e.Server.SeedPurchased(testNumber, time.Now().Add(-30*24*time.Hour))
	client := daily.New(e.Server.APIKey, daily.WithBaseURL(e.Server.URL))
	entry := daily.PinlessDialinEntry{PhoneNumber: testNumber, RoomCreationAPI: "http://" + addr + "/dialin", HMAC: secret}
	if _, err := client.SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{entry}); err != nil {
		t.Fatal(err)
	}
}

func waitCall(t *testing.T, e *cmdtest.Env, id string, states ...string) dailytest.CallRecord {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rec, err := e.Server.WaitCall(ctx, id, states...)
	if err != nil {
		t.Fatalf("call %s: %v", id, err)
	}
	return rec
}

// TestServeConnectsACallOnATerminal runs serve in front of the emulator with the stand-in
// bot as a real child process: the call connects, and stderr shows the banner and one
// escaped line per event, never a secret.
func TestServeConnectsACallOnATerminal(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	e.IO.SetStderrTTY(true)
	addr, secret := freeAddr(t), testSecret("route")
	routeTo(t, e, addr, secret)
	r := startServe(t, e, nil, "--addr", addr, "--bot-cmd", botCmd(t, ""))

	// Control characters are refused at the webhook (400); a bidi override is not one and
	// must still be escaped on the terminal.
	hostile := "$(reboot)\u202e"
	id, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: hostile})
	if err != nil {
		t.Fatal(err)
	}
	rec := waitCall(t, e, id, "connected", "lost", "dropped")
	if _, ok := rec.At("connected"); !ok {
		t.Fatalf("call not connected: %s %+v\n%s", rec.State, rec.Timeline, r.errOut)
	}
	testkit.Eventually(t, "the bot to exit", func() bool { return strings.Contains(r.errOut.String(), "bot_exited") })
	if err := r.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	out := r.errOut.String()
	for _, want := range []string{
		"dialin serve listening on http://" + addr + "\n",
		"webhook  POST http://" + addr + "/dialin",
		"events   POST http://" + addr + "/events",
		"webhook: every pinless_dialin route's hmac, read from Daily",
		"bot      default: '",
		"patch    bot (",
		id[:8] + "  received      default   +0ms     from \"$(reboot)\\u202e\" to \"" + testNumber + "\"",
		id[:8] + "  bot_started   default",
		id[:8] + "  bot_exited    default",
		"Shutting down: new webhooks get 503",
		"Stopped. Running bots were left alone.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\u202e") {
		t.Errorf("a caller's raw value reached the terminal:\n%s", out)
	}
	noSecrets(t, out, e.Server.APIKey, secret)
}

// TestServePatchServeLogsJSON: off a terminal, logs are JSON records keyed by call_id; serve
// patches the call on dialin.ready, verified with --events-secret-file; the bot gets no key.
func TestServePatchServeLogsJSON(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	addr, secret, evSecret := freeAddr(t), testSecret("route"), testSecret("events")
	routeTo(t, e, addr, secret)
	evFile := filepath.Join(t.TempDir(), "events.secret")
	if err := os.WriteFile(evFile, []byte(evSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startServe(t, e, nil, "--addr", addr, "--patch", "serve", "--tokens", "local",
		"--events-secret-file", evFile, "--bot-cmd", botCmd(t, "--no-patch"))
	client := daily.New(e.Server.APIKey, daily.WithBaseURL(e.Server.URL))
	if _, err := client.CreateWebhook(context.Background(), daily.WebhookRequest{URL: r.url + "/events", HMAC: evSecret}); err != nil {
		t.Fatal(err)
	}
	id, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550001111"})
	if err != nil {
		t.Fatal(err)
	}
	rec := waitCall(t, e, id, "connected", "lost", "dropped")
	if _, ok := rec.At("connected"); !ok {
		t.Fatalf("call not connected: %s %+v\n%s", rec.State, rec.Timeline, r.errOut)
	}
	testkit.Eventually(t, "the bot to exit", func() bool { return strings.Contains(r.errOut.String(), `"event":"bot_exited"`) })
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	out := r.errOut.String()
	kinds := map[string]int{}
	var banner map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		if rec["msg"] == "serve listening" {
			banner = rec
		}
		if rec["call_id"] == id {
			ev, _ := rec["event"].(string)
			kinds[ev]++ // "" counts the call's records that are not events
		}
	}
	// Each step of the call is logged once, as its event; no second record repeats it.
	for _, k := range []string{"received", "room_created", "bot_started", "ready", "patched", "connected", "bot_exited"} {
		if kinds[k] != 1 {
			t.Errorf("%q logged %d times for the call, want once:\n%s", k, kinds[k], out)
		}
	}
	if kinds[""] != 0 {
		t.Errorf("%d records about the call are not events (a step logged twice?):\n%s", kinds[""], out)
	}
	if banner == nil || banner["events_secret"] != "--events-secret-file "+evFile || banner["patch"] != "serve" || banner["webhook_url"] != r.url+"/dialin" {
		t.Errorf("banner record: %v", banner)
	}
	noSecrets(t, out, e.Server.APIKey, secret, evSecret)
}
