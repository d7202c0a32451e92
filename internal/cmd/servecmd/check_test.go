package servecmd

import (
	"errors"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
)

// execServe runs the whole command (no runF) and returns its error and stderr.
func execServe(t *testing.T, args ...string) (error, string) {
	t.Helper()
	ios, _, _, errOut := iostreams.Test()
	err := cmdtest.Exec(NewCmdServe(&cmdutil.Factory{IOStreams: ios}, nil), args...)
	return err, errOut.String()
}

// --check reports every mistake of the flags, the file and the bots' programs in one run,
// each as file:line: field: rule (a flag's as --flag: rule), and exits 64 without asking
// Daily anything (the factory here has no configuration at all).
func TestServeCheckReportsEveryMistake(t *testing.T) {
	file := writeFile(t, "serve.yaml", `patch: both
caps:
  global: many
colour: red
rules:
  - name: a
    match: {to: "+1415*"}
    bot: {cmd: "bot -u {roomurl}"}
  - name: a
    match: {to: "+1212*"}
    bot: {cmd: "true -i {call_id}"}
default:
  bot:
    cmd: "no-such-bot-program-4711 -i {call_id}"
`)
	err, out := execServe(t, "--check", "--config", file, "--queue-timeout", "11m", "--addr", "7860")
	want := []string{
		"--addr: must be HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:7860",
		"--queue-timeout: must be between 0 and 10m, got 11m0s",
		file + `:3: caps.global: must be a whole number, got a string "many"`,
		file + ":4: colour: unknown field (known: ",
		file + `:1: patch: must be "bot" or "serve" (got "both")`,
		file + ":8: rules[0].bot.cmd: argument 3: unknown placeholder {roomurl}",
		file + `:9: rules[1].name: "a" is also the name of rules[0]`,
		file + `:14: default.bot.cmd: program "no-such-bot-program-4711" is not in PATH`,
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n got %s\nwant %s", i, lines[i], w)
		}
	}
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || err.Error() != "8 problems, listed above; nothing was started" {
		t.Fatalf("err = %v", err)
	}
}

// A file that passes gets one line saying so, and exit 0; a missing --bot-cmd program is
// named against the flag.
func TestServeCheckPasses(t *testing.T) {
	file := writeFile(t, "serve.yaml", "caps: {global: 5}\nrules:\n  - name: a\n    match: {to: \"+1415*\"}\n    bot: {cmd: \"true -i {call_id}\"}\n")
	err, out := execServe(t, "--check", "--config", file, "--bot-url", "http://127.0.0.1:9000/start")
	if err != nil || !strings.Contains(out, "the flags and "+file+" are valid: 1 rule and a default bot") {
		t.Fatalf("err = %v, stderr:\n%s", err, out)
	}
	err, out = execServe(t, "--check", "--bot-cmd", "no-such-bot-program-4711 -i {call_id}")
	if err == nil || err.Error() != `--bot-cmd: program "no-such-bot-program-4711" is not in PATH` {
		t.Fatalf("err = %v, stderr:\n%s", err, out)
	}
}

// The configuration is normalized once, after the flags: a file with only caps plus
// --bot-cmd is a valid configuration (it was refused: "no rules and no default").
func TestServeFileWithOnlyCapsAndBotCmd(t *testing.T) {
	file := writeFile(t, "serve.yaml", "caps: {global: 5}\n")
	o, err := parseServe(t, "--config", file, "--bot-cmd", seedCmd)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Caps.Global != 5 || cfg.Default == nil || cfg.Default.Bot.Cmd != seedCmd {
		t.Fatalf("%+v", cfg)
	}
}

// The warm flags are fields of the options and apply to the configuration before it is
// checked: a bound is reported once against the flag, whatever the number of rules.
func TestServeWarmFlagsAreOptions(t *testing.T) {
	file := writeFile(t, "serve.yaml", "pool: {rooms: 2}\nrules:\n  - name: a\n    match: {to: \"+1415*\"}\n    bot: {cmd: \"bot\"}\n    pool: {rooms: 1}\n")
	o, err := parseServe(t, "--config", file, "--bot-url", "http://127.0.0.1:9000/start", "--state", "memory",
		"--warm-rooms", "3", "--pool-refill", "10", "--warm-bots", "2")
	if err != nil {
		t.Fatal(err)
	}
	if o.WarmRooms != "3" || o.PoolRefill != 10 || o.WarmBots != "2" || o.State != "memory" {
		t.Fatalf("options: %+v", o)
	}
	cfg := o.serveConfig
	if cfg.Rules[0].Pool.Rooms != 3 || cfg.Default.Pool.Rooms != 3 || cfg.Rules[0].Pool.RefillPerSecond != 10 ||
		cfg.Rules[0].Bot.Warm != 2 || cfg.Default.Bot.Warm != 0 {
		t.Fatalf("flags not applied: %+v / %+v", cfg.Rules[0], cfg.Default)
	}
	_, err = parseServe(t, "--config", file, "--bot-url", "http://127.0.0.1:9000/start", "--warm-rooms", "5000")
	if err == nil || err.Error() != "--warm-rooms: must be auto, or between 0 (no pool) and 1000 (got 5000)" {
		t.Fatalf("err = %v", err)
	}
}

// --check knows the bots that make their own room: a pipecat_cloud bot with no key in the
// environment, a plain-http Pipecat runner beyond loopback and a bad agent name are each
// reported, the flag's against the flag.
func TestServeCheckSelfRoomBots(t *testing.T) {
	t.Setenv(EnvPipecatCloudKey, "")
	file := writeFile(t, "serve.yaml", `rules:
  - name: runner
    match: {to: "+1415*"}
    bot: {pipecat: {url: "http://bots.example.com/start"}}
  - name: cloud
    match: {to: "+1212*"}
    bot: {pipecat_cloud: {agent: "a/b"}, warm: 2}
`)
	err, out := execServe(t, "--check", "--config", file, "--bot-pipecat-cloud", "my-agent")
	want := []string{
		file + `:4: rules[0].bot.pipecat: pipecat url "http://bots.example.com/start": plain http is allowed only to a loopback host`,
		file + `:7: rules[1].bot.warm: applies to cmd bots only`,
		file + `:7: rules[1].bot.pipecat_cloud.agent: pipecat_cloud agent "a/b" must be an agent name`,
		"PIPECAT_CLOUD_API_KEY: not set; the pipecat_cloud bot of rules cloud, default needs Pipecat Cloud's public key",
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n got %s\nwant %s", i, lines[i], w)
		}
	}
	if err == nil || err.Error() != "4 problems, listed above; nothing was started" {
		t.Fatalf("err = %v", err)
	}
	t.Setenv(EnvPipecatCloudKey, "pk_check_test_key")
	err, out = execServe(t, "--check", "--bot-pipecat-cloud", "my-agent")
	if err != nil || strings.Contains(out, "pk_check_test_key") {
		t.Fatalf("err = %v, stderr:\n%s", err, out)
	}
	err, _ = execServe(t, "--check", "--bot-forward", "http://hooks.example.com/dialin")
	if err == nil || !strings.HasPrefix(err.Error(), `--bot-forward: forward url "http://hooks.example.com/dialin": plain http`) {
		t.Fatalf("err = %v", err)
	}
}

// --daily-rate-limit sizes serve's request budget to what Daily allows the domain: a raised
// limit passes, nothing or a negative rate is refused by name.
func TestServeCheckDailyRateLimit(t *testing.T) {
	err, out := execServe(t, "--check", "--bot-cmd", "true -i {call_id}", "--daily-rate-limit", "100")
	if err != nil {
		t.Fatalf("a raised limit: err = %v, stderr:\n%s", err, out)
	}
	for _, v := range []string{"0", "-5", "20000"} {
		err, out = execServe(t, "--check", "--bot-cmd", "true -i {call_id}", "--daily-rate-limit", v)
		if err == nil || !strings.HasPrefix(err.Error(), "--daily-rate-limit: must be above 0 and at most 10000 requests per second (got "+v+")") {
			t.Fatalf("--daily-rate-limit %s: err = %v, stderr:\n%s", v, err, out)
		}
	}
}
