package demo

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmd/standincmd"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
)

// TestMain lets the test binary be the stand-in bot: the demo runs its own executable with
// `standin-bot` as the first argument, as dialin would.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "standin-bot" {
		os.Exit(standincmd.Main(os.Args[2:]))
	}
	os.Setenv("GORACE", "atexit_sleep_ms=0") // the bots are -race binaries too
	os.Exit(m.Run())
}

func runDemo(t *testing.T, args ...string) (out, errOut string, err error) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	err = cmdtest.Exec(NewCmdDemo(&cmdutil.Factory{IOStreams: ios}, nil), args...)
	return stdout.String(), stderr.String(), err
}

func TestDemoFlags(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--calls", "0"}, "--calls: must be between 1 and 50, got 0"},
		{[]string{"--bot-startup", "1m"}, "--bot-startup: must be between 0 and 30s, got 1m0s"},
		{[]string{"--talk-time", "0s"}, "--talk-time: must be between 10ms and 1m, got 0s"},
		{[]string{"--hold-timeout", "1ms"}, "--hold-timeout: must be between 100ms and 5m, got 1ms"},
		{[]string{"--patch", "caller"}, `--patch: must be bot or serve, got "caller"`},
		{[]string{"--bot", "node"}, `--bot: must be seed or pipecat, got "node"`},
		{[]string{"--bot", "pipecat", "--patch", "serve"}, "--patch: must be bot with --bot pipecat (a Pipecat bot patches the call itself)"},
	} {
		err := cmdtest.Exec(NewCmdDemo(&cmdutil.Factory{IOStreams: ios}, func(*Options) error { return nil }), tt.args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || err.Error() != tt.want {
			t.Errorf("%v: err = %v, want usage error %q", tt.args, err, tt.want)
		}
	}
}

// TestDemoConnectsEveryCall runs the demo for real: emulator, serve, and a stand-in bot
// process per call; every call connects and its timeline is printed.
func TestDemoConnectsEveryCall(t *testing.T) {
	t.Parallel()
	out, errOut, err := runDemo(t, "--calls", "2", "--bot-startup", "50ms", "--talk-time", "50ms")
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	if strings.Count(out, "  connected, hold ") != 2 || !strings.Contains(out, "\nconnected 2/2, hold p50 ") {
		t.Fatalf("stdout:\n%s", out)
	}
	for _, mark := range []string{"received", "webhook_answered  200", "room_created", "bot_started", "bot_joined", "ready", "updated", "connected", "ended"} {
		if strings.Count(out, "  "+mark) < 2 {
			t.Errorf("a call's timeline lacks %q:\n%s", mark, out)
		}
	}
	if !strings.Contains(errOut, "Placing 2 calls at once") || !strings.Contains(errOut, "bot per call: dialin standin-bot --startup-delay 50ms") {
		t.Errorf("stderr:\n%s", errOut)
	}
	if strings.Contains(out+errOut, "eyJ") {
		t.Error("a meeting token was printed")
	}
}

// TestDemoPatchServeJSON: serve patches on dialin.ready; --json gives every call's timeline.
func TestDemoPatchServeJSON(t *testing.T) {
	t.Parallel()
	out, errOut, err := runDemo(t, "--calls", "2", "--bot-startup", "0s", "--talk-time", "50ms", "--patch", "serve", "--json")
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, errOut)
	}
	var res Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Patch != "serve" || res.Total != 2 || res.Connected != 2 || res.HoldP50MS == nil || len(res.Calls) != 2 {
		t.Fatalf("%s", out)
	}
	for _, c := range res.Calls {
		if !c.Connected || c.HoldMS == nil || len(c.Timeline) == 0 || c.Timeline[0].Name != "received" || len(c.Problems) != 0 {
			t.Fatalf("call %+v", c)
		}
	}
}

// TestDemoExitsOneWhenACallIsLost: bots that start slower than the hold lasts lose the calls.
func TestDemoExitsOneWhenACallIsLost(t *testing.T) {
	t.Parallel()
	out, _, err := runDemo(t, "--calls", "1", "--bot-startup", "600ms", "--hold-timeout", "200ms", "--talk-time", "50ms")
	if err == nil || err.Error() != "1 of 1 calls were not connected" {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if !strings.Contains(out, "  lost after ") || !strings.Contains(out, "  ! the bot exited with exit status 1\n") || !strings.Contains(out, "connected 0/1\n") {
		t.Fatalf("stdout:\n%s", out)
	}
}

// TestDemoPipecatBotConnectsThroughTheRunner runs the demo with --bot pipecat: serve POSTs
// /start to the runner stand-in, which creates the room before its bot starts, and the bot
// patches every call.
func TestDemoPipecatBotConnectsThroughTheRunner(t *testing.T) {
	out, errOut, err := runDemo(t, "--bot", "pipecat", "--calls", "2", "--bot-startup", "20ms", "--talk-time", "50ms")
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	if strings.Count(out, "  connected, hold ") != 2 || !strings.Contains(out, "\nconnected 2/2, hold p50 ") {
		t.Fatalf("want 2 connected calls:\n%s", out)
	}
	// Each call's room is made (by the runner's /start) before its bot starts, and the bot
	// patched the call.
	for _, c := range strings.Split(strings.TrimSpace(out), "\n\n")[:2] {
		room, started := strings.Index(c, "room_created"), strings.Index(c, "bot_started")
		if room < 0 || started < 0 || room > started || !strings.Contains(c, "updated ") {
			t.Errorf("call timeline without the runner's room, its bot and the patch:\n%s", c)
		}
	}
	if !strings.Contains(errOut, "POSTs Pipecat's /start body per call to Pipecat's runner") {
		t.Errorf("stderr does not say serve goes through the runner:\n%s", errOut)
	}
}
