package serveconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

const full = `# serve configuration
webhook_path: /hook
events_path: /daily-events
patch: serve
tokens: local
max_body_bytes: 32768
signature_window: 2m
caps: {global: 20, queue_timeout: 15s}
max_call_duration: 30m
room: {num_endpoints: 1, exp: 2h, video: false}
rules:
  - name: support
    match:
      to: ["+1415555*"]
      from: +44*
      sip_headers: {X-Team: support}
    bot: {cmd: "python3 -m bot -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}"}
    cap: 10
    room: {num_endpoints: 2}
  - name: runner
    match: {to: +12125550100}
    bot: {url: "http://127.0.0.1:9000/start", timeout: 5s}
default:
  bot: {cmd: "./bot --to {to}"}
  room: {video: true}
`

func TestParseFull(t *testing.T) {
	t.Parallel()
	c, err := Parse("serve.yaml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if c.WebhookPath != "/hook" || c.EventsPath != "/daily-events" || c.Patch != PatchServe || c.Tokens != TokensLocal ||
		c.MaxBodyBytes != 32768 || c.SignatureWindow != 2*time.Minute || c.Caps.Global != 20 ||
		c.Caps.QueueTimeout != 15*time.Second || c.MaxCallDuration != 30*time.Minute {
		t.Fatalf("top level: %+v", c)
	}
	if len(c.Rules) != 2 || c.Default == nil {
		t.Fatalf("rules: %+v", c.Rules)
	}
	s := c.Rules[0]
	if s.Name != "support" || s.Cap != 10 || s.Match.To[0] != "+1415555*" || s.Match.From[0] != "+44*" ||
		s.Match.SIPHeaders["X-Team"] != "support" || !strings.HasPrefix(s.Bot.Cmd, "python3 -m bot") {
		t.Fatalf("support: %+v", s)
	}
	if s.Room.NumEndpoints != 2 || s.Room.Exp != 2*time.Hour || s.Room.VideoOn() {
		t.Fatalf("support room not merged: %+v", s.Room)
	}
	r := c.Rules[1]
	if r.Match.To[0] != "+12125550100" || r.Bot.URL != "http://127.0.0.1:9000/start" || r.Bot.Timeout != 5*time.Second {
		t.Fatalf("runner: %+v", r)
	}
	if c.Default.Name != "default" || !c.Default.Room.VideoOn() || c.Default.Room.NumEndpoints != 1 {
		t.Fatalf("default: %+v", c.Default)
	}
	got, why := c.Match(rules.Call{To: "+14155550100", From: "+4420", SIPHeaders: map[string]string{"x-team": "support"}})
	if got.Name != "support" {
		t.Fatalf("match: %s (%s)", got.Name, why)
	}
	if all := c.AllRules(); len(all) != 3 || all[2] != c.Default {
		t.Fatalf("AllRules = %v", all)
	}
}

func TestDefaultsProgrammatic(t *testing.T) {
	t.Parallel()
	c := &Config{Default: &rules.Rule{Bot: rules.Bot{Cmd: "bot -u {room_url}"}}}
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	if c.WebhookPath != "/dialin" || c.EventsPath != "/events" || c.Patch != "bot" || c.Tokens != "auto" ||
		c.MaxBodyBytes != 65536 || c.SignatureWindow != 5*time.Minute || c.Caps.Global != 50 ||
		c.Caps.QueueTimeout != 30*time.Second || c.MaxCallDuration != time.Hour {
		t.Fatalf("defaults: %+v", c)
	}
	if c.Default.Name != "default" || c.Default.Room.NumEndpoints != 1 || c.Default.Room.Exp != time.Hour {
		t.Fatalf("default rule: %+v", c.Default)
	}
	// Fast by default: the pool's size follows the call rate from a floor of 2.
	if p := c.Default.Pool; !p.Auto || p.Rooms != 0 || p.MinRooms != 2 || !p.Enabled() {
		t.Fatalf("default pool: %+v", p)
	}
	// Programmatic errors name the field, without a line.
	bad := &Config{Default: &rules.Rule{Bot: rules.Bot{Cmd: "bot >x"}}}
	err := bad.Normalize()
	if err == nil || !strings.HasPrefix(err.Error(), "default.bot.cmd: unquoted '>'") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const okDefault = "default: {bot: {cmd: bot}}\n"
	cases := []struct{ yaml, want string }{
		{"", "f.yaml: the file is empty"},
		{"rules: [\n", "f.yaml:1: invalid YAML: did not find expected node content"},
		{okDefault + "bogus: 1\n", "f.yaml:2: bogus: unknown field (known: webhook_path,"},
		{okDefault + "---\nx: 1\n", "f.yaml:2: only one YAML document"},
		{okDefault + "caps: {global: 0}\n", "f.yaml:2: caps.global: must be at least 1 (got 0)"},
		{okDefault + "caps:\n  global: lots\n", `f.yaml:3: caps.global: must be a whole number, got a string "lots"`},
		{okDefault + "caps:\n  queue_timeout: 30\n", `f.yaml:3: caps.queue_timeout: must be a duration with a unit, such as 30s, 5m or 1h, got a number "30"`},
		{okDefault + "caps: {queue_timeout: 1y}\n", `caps.queue_timeout: must be a duration with a unit`},
		{okDefault + "caps: {queue_timeout: 11m}\n", "f.yaml:2: caps.queue_timeout: must be between 0s and 10m (got 11m)"},
		{okDefault + "patch: both\n", `f.yaml:2: patch: must be "bot" or "serve" (got "both")`},
		{okDefault + "tokens: jwt\n", `f.yaml:2: tokens: must be "rest", "local" or "auto"`},
		{okDefault + "webhook_path: dialin\n", `f.yaml:2: webhook_path: must be a path starting with /`},
		{okDefault + "webhook_path: /metrics\n", `f.yaml:2: webhook_path: /metrics is serve's own endpoint`},
		{okDefault + "events_path: /dialin\n", `f.yaml:2: events_path: must differ from webhook_path`},
		{okDefault + "max_body_bytes: 10\n", `f.yaml:2: max_body_bytes: must be between 1024`},
		{okDefault + "signature_window: 2h\n", `f.yaml:2: signature_window: must be between 10s and 1h (got 2h)`},
		{okDefault + "max_call_duration: 0s\n", `f.yaml:2: max_call_duration: must be between 1s`},
		{okDefault + "room:\n  num_endpoints: 6\n", `f.yaml:3: room.num_endpoints: must be between 1 and 5`},
		{okDefault + "room:\n  video: yes\n", `f.yaml:3: room.video: must be true or false, got a string "yes"`},
		{okDefault + "room: {exp: 400d}\n", `room.exp: must be a duration`},
		{okDefault + "room: {exp: 9000h}\n", `f.yaml:2: room.exp: must be between 1m and 8736h`},
		{"webhook_path: /x\n", `f.yaml: rules: no rules and no default: every call would be refused`},
		{"default: {bot: {}}\n", `f.yaml:1: default.bot: required: cmd (a command line) or url`},
		{"default:\n  bot:\n    cmd: \"bot -u {roomurl}\"\n", `f.yaml:3: default.bot.cmd: argument 3: unknown placeholder {roomurl}`},
		{"default:\n  bot:\n    cmd: \"bot 'open\"\n", `f.yaml:3: default.bot.cmd: single quote at character 5 is never closed`},
		{"default:\n  bot:\n    cmd: \"\"\n", `f.yaml:2: default.bot: required: cmd`},
		{"default:\n  bot: {cmd: bot, url: http://x/y}\n", `f.yaml:2: default.bot: give cmd or url, not both`},
		{"default:\n  bot: {url: /start}\n", `f.yaml:2: default.bot.url: must be an absolute http or https URL`},
		{"default:\n  bot: {cmd: bot, timeout: 5s}\n", `f.yaml:2: default.bot.timeout: applies to url bots only`},
		{"default:\n  match: {to: x}\n", `f.yaml:2: default.match: unknown field (known: name, bot, cap, room, pool)`},
		{"default: {bot: {cmd: bot}, cap: 51}\n", `f.yaml:1: default.cap: must be between 0 (only the global cap) and caps.global 50 (got 51)`},
		{"default: bot\n", `f.yaml:1: default: must be a mapping with name, bot, cap, room, pool, got a string`},
		{"rules: {a: 1}\n", `f.yaml:1: rules: must be a list of rules, got a mapping`},
		{"rules:\n  - match: {to: x}\n    bot: {cmd: bot}\n", `f.yaml:2: rules[0].name: required`},
		{"rules:\n  - name: a\n    bot: {cmd: bot}\n", `f.yaml:2: rules[0].match: required: at least one of to, from, sip_headers`},
		{"rules:\n  - name: a\n    match: {to: x}\n    bot: {cmd: bot}\n  - name: a\n    match: {to: y}\n    bot: {cmd: bot}\n", `f.yaml:5: rules[1].name: "a" is also the name of rules[0]`},
		{"rules:\n  - name: a\n    match:\n      to: [x, \"\"]\n    bot: {cmd: bot}\n", `f.yaml:4: rules[0].match.to[1]: must not be empty`},
		{"rules:\n  - name: a\n    match:\n      to: [x, [y]]\n    bot: {cmd: bot}\n", `f.yaml:4: rules[0].match.to[1]: must be a string, got a list`},
		{"rules:\n  - name: a\n    match:\n      sip_headers: {X-A: true}\n    bot: {cmd: bot}\n", `f.yaml:4: rules[0].match.sip_headers.X-A: must be a string, got a boolean`},
		{"rules:\n  - name: a\n    match: {to: x}\n    bot: {cmd: bot}\n    room:\n      num_endpoints: 0\n", `f.yaml:6: rules[0].room.num_endpoints: must be between 1 and 5, Daily's sessions per room (got 0)`},
		{"rules:\n  - name: a\n    match: {to: x}\n    bot: {cmd: bot}\n    cap: -1\n", `f.yaml:5: rules[0].cap: must be between 0`},
		{"rules:\n  - name: a\n    match: {to: x}\n    bot: {cmd: bot}\n    colour: red\n", `f.yaml:5: rules[0].colour: unknown field`},
		{"x: &a {b: 1}\ny:\n  <<: *a\n", `f.yaml:1: x: unknown field`},
		{okDefault + "caps: {global: 1, global: 2}\n", `given twice`},
	}
	for _, c := range cases {
		_, err := Parse("f.yaml", []byte(c.yaml))
		if err == nil {
			t.Errorf("%q: no error, want %s", c.yaml, c.want)
			continue
		}
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%q: %T is not *Error", c.yaml, err)
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %s\nwant %s", c.yaml, err, c.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error is not one line: %q", c.yaml, err)
		}
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "serve.yaml")
	os.WriteFile(path, []byte("default:\n  bot: {cmd: bot}\ncaps: {global: -3}\n"), 0o600)
	_, err := Load(path)
	if err == nil || err.Error() != path+":3: caps.global: must be at least 1 (got -3)" {
		t.Fatalf("Load = %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Fatal("no error for a missing file")
	}
}
