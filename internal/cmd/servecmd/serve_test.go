package servecmd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

const seedCmd = "python3 -m bot -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}"

func parseServe(t *testing.T, args ...string) (*Options, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	var got *Options
	err := cmdtest.Exec(NewCmdServe(&cmdutil.Factory{IOStreams: ios}, func(o *Options) error { got = o; return nil }), args...)
	return got, err
}

func TestNewCmdServeFlags(t *testing.T) {
	t.Parallel()
	o, err := parseServe(t, "--bot-cmd", seedCmd)
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != DefaultAddr || o.ShutdownTimeout != DefaultShutdownTimeout || o.LogFormat != "" || o.Changed("patch") {
		t.Fatalf("defaults: %+v", o)
	}
	o, err = parseServe(t, "--bot-url", "https://runner.example.com/start", "--addr", ":7860", "--patch", "serve", "--tokens", "local",
		"--cap", "5", "--queue-timeout", "0s", "--max-call-duration", "10m", "--metrics-addr", "127.0.0.1:9090",
		"--shutdown-timeout", "5s", "--log-format", "json", "--webhook-secret-file", "s.txt", "--events-secret-file", "-")
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != ":7860" || o.Patch != "serve" || o.Tokens != "local" || o.Cap != 5 || !o.Changed("queue-timeout") ||
		o.MaxCallDuration != 10*time.Minute || o.MetricsAddr != "127.0.0.1:9090" || o.LogFormat != "json" || o.EventsSecretFile != "-" {
		t.Fatalf("%+v", o)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "no bot: give --bot-cmd COMMAND, --bot-url URL, --bot-pipecat URL, --bot-pipecat-cloud AGENT, --bot-forward URL or --config FILE"},
		{[]string{"--bot-pipecat", "http://127.0.0.1:7860/start", "--bot-forward", "https://x/y"}, "--bot-pipecat, --bot-forward: give one, not both"},
		{[]string{"--bot-cmd", seedCmd, "--bot-url", "http://127.0.0.1:9000"}, "--bot-cmd, --bot-url: give one, not both"},
		{[]string{"--bot-cmd", "python3 bot.py | tee log"}, "--bot-cmd: "},
		{[]string{"--bot-url", "runner:9000"}, "--bot-url: must be an absolute http or https URL"},
		{[]string{"--bot-cmd", seedCmd, "--addr", "7860"}, "--addr: must be HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:7860"},
		{[]string{"--bot-cmd", seedCmd, "--metrics-addr", "127.0.0.1:7860"}, "--metrics-addr: must differ from --addr (both are 127.0.0.1:7860)"},
		{[]string{"--bot-cmd", seedCmd, "--patch", "caller"}, `--patch: must be bot or serve, got "caller"`},
		{[]string{"--bot-cmd", seedCmd, "--tokens", "jwt"}, `--tokens: must be rest, local or auto, got "jwt"`},
		{[]string{"--bot-cmd", seedCmd, "--cap", "0"}, "--cap: must be at least 1, got 0"},
		{[]string{"--bot-cmd", seedCmd, "--queue-timeout", "11m"}, "--queue-timeout: must be between 0 and 10m, got 11m0s"},
		{[]string{"--bot-cmd", seedCmd, "--max-call-duration", "0s"}, "--max-call-duration: must be between 1s and 168h, got 0s"},
		{[]string{"--bot-cmd", seedCmd, "--shutdown-timeout", "-1s"}, "--shutdown-timeout: must be between 1s and 1h, got -1s"},
		{[]string{"--bot-cmd", seedCmd, "--admission-margin", "50ms"}, "--admission-margin: must be between 100ms and 5m, got 50ms"},
		{[]string{"--bot-cmd", seedCmd, "--hold", "10s", "--admission-margin", "10s"}, "--admission-margin: must be shorter than --hold (10s), got 10s"},
		{[]string{"--bot-cmd", seedCmd, "--log-format", "xml"}, `--log-format: must be text or json, got "xml"`},
		{[]string{"--bot-cmd", seedCmd, "--cpu-profile", "/nonexistent-4711/serve.pprof"}, "--cpu-profile: directory /nonexistent-4711 does not exist"},
		{[]string{"--bot-cmd", seedCmd, "--cpu-profile", " "}, "--cpu-profile: must name a file"},
		{[]string{"--bot-cmd", seedCmd, "--addr", "0.0.0.0:7860", "--insecure-skip-verify"}, "--insecure-skip-verify: only with a loopback --addr"},
		{[]string{"--bot-cmd", seedCmd, "extra"}, ""},
	} {
		_, err := parseServe(t, tt.args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want usage error %q", tt.args, err, tt.want)
		}
	}
	if _, err := parseServe(t, "--bot-cmd", seedCmd, "--addr", "localhost:7860", "--insecure-skip-verify"); err != nil {
		t.Errorf("insecure on localhost: %v", err)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLoadConfig: flags apply over the file; a file that already has a default bot refuses
// --bot-cmd; the file's mistakes keep their line; a flag's bad value is named by the flag.
func TestLoadConfig(t *testing.T) {
	t.Parallel()
	file := writeFile(t, "serve.yaml", "patch: serve\ncaps: {global: 10}\nrules:\n  - name: support\n    match: {to: \"+1415*\"}\n    bot: {cmd: \"bot -i {call_id}\"}\n    cap: 8\n")
	o, err := parseServe(t, "--config", file, "--bot-cmd", seedCmd, "--tokens", "local", "--queue-timeout", "5s")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Patch != "serve" || cfg.Tokens != "local" || cfg.Caps.Global != 10 || cfg.Caps.QueueTimeout != 5*time.Second ||
		cfg.Default == nil || cfg.Default.Bot.Cmd != seedCmd || len(cfg.Rules) != 1 {
		t.Fatalf("%+v", cfg)
	}

	withDefault := writeFile(t, "d.yaml", "default:\n  bot: {url: \"http://127.0.0.1:9000/start\"}\n")
	bad := writeFile(t, "bad.yaml", "patch: bot\ncaps:\n  global: many\ndefault: {bot: {cmd: bot}}\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--config", withDefault, "--bot-cmd", seedCmd}, "--bot-cmd: " + withDefault + " already has a default bot; remove one of them"},
		{[]string{"--config", bad}, bad + ":3: caps.global: "},
		{[]string{"--config", file, "--cap", "5"}, file + ":7: rules[0].cap: must be between 0 (only the global cap) and caps.global 5 (got 8)"},
		{[]string{"--config", filepath.Join(t.TempDir(), "none.yaml")}, "--config: no such file or directory"},
	} {
		o, err := parseServe(t, tt.args...)
		if err == nil {
			_, err = loadConfig(o)
		}
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want usage error %q", tt.args, err, tt.want)
		}
	}
}

// The bots that make their own room come from flags too; a flag's bad URL is named by the flag.
func TestLoadConfigSelfRoomBotFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want func(*testing.T, *serveconfig.Config)
	}{
		{[]string{"--bot-pipecat", "http://127.0.0.1:7860/start"}, func(t *testing.T, c *serveconfig.Config) {
			if p := c.Default.Bot.Pipecat; p == nil || p.URL != "http://127.0.0.1:7860/start" || p.Agent != "" {
				t.Errorf("pipecat %+v", p)
			}
		}},
		{[]string{"--bot-pipecat-cloud", "my-agent"}, func(t *testing.T, c *serveconfig.Config) {
			if p := c.Default.Bot.Pipecat; p == nil || p.Agent != "my-agent" {
				t.Errorf("pipecat_cloud %+v", p)
			}
		}},
		{[]string{"--bot-forward", "http://127.0.0.1:7860/daily-dialin-webhook"}, func(t *testing.T, c *serveconfig.Config) {
			if c.Default.Bot.Forward != "http://127.0.0.1:7860/daily-dialin-webhook" {
				t.Errorf("forward %q", c.Default.Bot.Forward)
			}
		}},
	} {
		o, err := parseServe(t, tt.args...)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := loadConfig(o)
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		tt.want(t, cfg)
	}
	// The flags are checked with the configuration as they are parsed (validate).
	o, err := parseServe(t, "--bot-pipecat", "http://bots.example.com/start")
	if err == nil {
		_, err = loadConfig(o)
	}
	if err == nil || !strings.HasPrefix(err.Error(), "--bot-pipecat: pipecat url") ||
		!strings.Contains(err.Error(), "plain http is allowed only to a loopback host") {
		t.Fatalf("plain http beyond loopback: %v", err)
	}
}
