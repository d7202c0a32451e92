package servecmd

import (
	"encoding/json"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// A second interrupt while serve waits for calls under way stops it at once, and every
// accepted call it drops is named: its own event line, and the summary.
func TestServeForcedStopNamesDroppedCalls(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	e.IO.SetStderrTTY(true)
	addr, secret := freeAddr(t), testSecret("route")
	routeTo(t, e, addr, secret)
	r := startServe(t, e, nil, "--addr", addr, "--cap", "1", "--queue-timeout", "5m", "--bot-cmd", botCmd(t, "--talk-time 20s"))

	first, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550000001"})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "the first call's bot", func() bool { return strings.Contains(r.errOut.String(), first[:8]+"  bot_started") })
	second, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550000002"})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "the second call to queue", func() bool { return strings.Contains(r.errOut.String(), second[:8]+"  queued") })

	r.interrupts <- syscall.SIGINT // the first Ctrl-C: it also cancels the context
	r.cancel()
	testkit.Eventually(t, "the shutdown", func() bool { return strings.Contains(r.errOut.String(), "Shutting down") })
	r.interrupts <- syscall.SIGINT // the second: stop now
	err = r.stop()
	if !errors.Is(err, cmdutil.ErrCancel) || !errors.Is(err, cmdutil.ErrSilent) {
		t.Fatalf("stop = %v, want a silent cancel (exit 130)", err)
	}
	out := r.errOut.String()
	for _, want := range []string{
		second[:8] + "  refused",
		"Forced stop: 1 accepted call dropped before reaching a bot: " + second + " (default); each stays on hold until Daily plays the route's timeout message",
		"Stopped. Running bots were left alone.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, first+" (default)") {
		t.Errorf("the call that reached its bot is named as dropped:\n%s", out)
	}
}

// A key Daily refuses ends serve before the banner says it listens.
func TestServeWrongKeyBeforeBanner(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	if err := e.LoadConfig(t).SetAPIKey("not-the-key"); err != nil {
		t.Fatal(err)
	}
	e.IO.SetStderrTTY(true)
	err := cmdtest.Exec(NewCmdServe(e.Factory, nil), "--addr", "127.0.0.1:0", "--bot-url", "http://127.0.0.1:9/start", "--webhook-secret-file", writeFile(t, "s", testSecret("x")))
	if !daily.IsAuth(err) {
		t.Fatalf("err = %v, want Daily's 401", err)
	}
	if out := e.ErrOut.String(); strings.Contains(out, "listening") {
		t.Fatalf("the banner was printed for a refused key:\n%s", out)
	}
}

// With --log-format json, the error serve ends with is a JSON record too, every mistake of
// a bad configuration one record, and dialin prints nothing more (the exit code stays).
func TestServeJSONLogsStayJSON(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	if err := e.LoadConfig(t).SetAPIKey("not-the-key"); err != nil {
		t.Fatal(err)
	}
	bad := writeFile(t, "bad.yaml", "patch: both\ncaps: {global: many}\ndefault: {bot: {cmd: \"true\"}}\n")
	for _, tt := range []struct {
		args  []string
		check func(error) bool
		msg   string
	}{
		{[]string{"--config", bad}, func(err error) bool { var fe *cmdutil.FlagError; return errors.As(err, &fe) }, `caps.global: must be a whole number`},
		{[]string{"--bot-url", "http://127.0.0.1:9/start", "--addr", "127.0.0.1:0"}, daily.IsAuth, "401"},
	} {
		e.ErrOut.Reset()
		err := cmdtest.Exec(NewCmdServe(e.Factory, nil), append([]string{"--log-format", "json"}, tt.args...)...)
		if err == nil || !tt.check(err) || !errors.Is(err, cmdutil.ErrSilent) {
			t.Errorf("%v: err = %v, want it kept for the exit code and silent", tt.args, err)
		}
		out := strings.TrimSpace(e.ErrOut.String())
		errorRecords := 0
		for _, line := range strings.Split(out, "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("%v: not a JSON line: %q\n%s", tt.args, line, out)
			}
			if rec["level"] == "ERROR" {
				errorRecords++
			}
		}
		if errorRecords == 0 || !strings.Contains(out, tt.msg) {
			t.Errorf("%v: no error record with %q:\n%s", tt.args, tt.msg, out)
		}
	}
}

// A bot runner URL's user, password and query values appear nowhere serve prints or logs,
// and the banner does not promise a bot runner the API key.
func TestServeBotURLRedacted(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	e.IO.SetStderrTTY(true)
	addr, secret := freeAddr(t), testSecret("route")
	routeTo(t, e, addr, secret)
	const botURL = "http://runneruser:hunter2pw@127.0.0.1:9/start?api_key=sekrit-runner-key&team=ops"
	r := startServe(t, e, nil, "--addr", addr, "--bot-url", botURL)
	id, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550000001"})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "the runner to fail", func() bool { return strings.Contains(r.errOut.String(), id[:8]+"  failed") })
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	out := r.errOut.String()
	for _, secretPart := range []string{"runneruser", "hunter2pw", "sekrit-runner-key"} {
		if strings.Contains(out, secretPart) {
			t.Errorf("%q printed:\n%s", secretPart, out)
		}
	}
	for _, want := range []string{
		"bot      default: http://redacted@127.0.0.1:9/start?api_key=redacted&team=redacted (url)",
		"patch    bot (the bot runner calls pinlessCallUpdate with its own API key; serve sends it none)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "DAILY_API_KEY") {
		t.Errorf("the banner promises a bot runner the API key:\n%s", out)
	}
}
