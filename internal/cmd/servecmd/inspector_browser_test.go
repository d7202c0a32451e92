package servecmd

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// screenshotEnv names a PNG file the browser test writes the page to (docs/img/inspector.png
// is made this way); unset, it writes none.
const screenshotEnv = "DIALIN_INSPECTOR_SCREENSHOT"

// browser starts headless Chromium for the test. Without it the test fails on CI (.ci/run
// installs Debian's chromium) and is skipped, loudly, elsewhere.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		msg := "headless Chromium is needed for the inspector page's browser test: apt-get install chromium"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("\n**************************************************************\n  SKIPPED: " + msg + "\n**************************************************************")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1400, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// TestInspectorPageInABrowser: the admin listener's page, in a real headless Chromium, shows
// calls placed through the emulator live (an answered one with its timeline, a failed one
// with the failing step and reason), and its replay button sends a call again.
func TestInspectorPageInABrowser(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	addr, secret, evSecret := freeAddr(t), testSecret("route"), testSecret("events")
	routeTo(t, e, addr, secret)
	dir := t.TempDir()
	cfg := fmt.Sprintf("tokens: local\nrules:\n  - name: good\n    match: {from: [\"+1555*\"]}\n    bot: {cmd: %q}\n"+
		"  - name: broken\n    match: {from: [\"+1666*\"]}\n    bot: {url: \"http://127.0.0.1:9/start\"}\n", botCmd(t, ""))
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ready := filepath.Join(dir, "serve.env")
	r := startServe(t, e, nil, "--addr", addr, "--config", write("serve.yaml", cfg),
		"--events-secret-file", write("events.secret", evSecret), "--ready-file", ready)
	client := daily.New(e.Server.APIKey, daily.WithBaseURL(e.Server.URL))
	if _, err := client.CreateWebhook(context.Background(), daily.WebhookRequest{URL: r.url + "/events", HMAC: evSecret}); err != nil {
		t.Fatal(err)
	}
	page := readReadyFile(t, ready)[readyAdminURLVar] + "/"

	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v\nserve:\n%s", what, err, r.errOut)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	poll := func(what, expr string) {
		t.Helper()
		do(what, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second)))
	}
	// The page is connected to the live events before any call is placed.
	do("open the page", chromedp.Navigate(page), chromedp.WaitVisible(`#empty`))
	poll("the live events to connect", `document.getElementById("live").textContent.includes("Live:")`)

	good, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550001111"})
	if err != nil {
		t.Fatal(err)
	}
	row := fmt.Sprintf(`li.call[data-call-id="%s"]`, good)
	do("the answered call's row and steps to appear live",
		chromedp.WaitVisible(row+`[data-outcome="answered"] li.step[data-kind="connected"]`),
		chromedp.WaitVisible(row+` li.step[data-kind="bot_started"]`),
		chromedp.WaitVisible(row+` li.step[data-kind="ready"]`))

	bad, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+16660001111"})
	if err != nil {
		t.Fatal(err)
	}
	badRow := fmt.Sprintf(`li.call[data-call-id="%s"]`, bad)
	do("the failed call to show its failing step", chromedp.WaitVisible(badRow+`[data-outcome="failed"] li.step.failed[data-kind="failed"]`))
	if failure := text(badRow + ` .failure`); !strings.Contains(failure, "failed at bot_started") || !strings.Contains(failure, "starting the bot") {
		t.Fatalf("failure line %q", failure)
	}
	first, err := chromedp.Run(ctx, chromedp.AttributeValue(`#calls > li.call`, "data-call-id"))
	if err != nil || first.Value != bad {
		t.Fatalf("first row is %q (%v), want the newest call %s", first.Value, err, bad)
	}

	// Replay the answered call from the keyboard: serve takes its webhook again as a new call.
	do("replay", chromedp.Focus(row+` button.replay`), chromedp.KeyEvent("\r"))
	poll("the replay's answer", `document.getElementById("replay-status").textContent.startsWith("Replayed as")`)
	status := text(`#replay-status`)
	if !strings.Contains(status, "answered HTTP 200") || !strings.Contains(status, `"status":"accepted"`) || strings.Contains(status, good) {
		t.Fatalf("replay status %q", status)
	}
	newID := strings.TrimSuffix(strings.Fields(strings.TrimPrefix(status, "Replayed as "))[0], ":")
	do("the replayed call's row to appear", chromedp.WaitVisible(fmt.Sprintf(`li.call[data-call-id="%s"] li.step[data-kind="bot_started"]`, newID)))

	if path := os.Getenv(screenshotEnv); path != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
