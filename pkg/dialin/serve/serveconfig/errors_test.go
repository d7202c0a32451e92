package serveconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// A file with many mistakes gets all of them in one run, in the order of the file, each as
// file:line: field: rule; a mistake that explains another (a bot that is not a mapping) is
// not reported twice.
func TestEveryMistakeAtOnce(t *testing.T) {
	const file = `patch: both
caps:
  global: many
  queue_timeout: 11m
colour: red
rules:
  - name: a
    match: {to: "+1415*"}
    bot: {cmd: "bot -u {roomurl}"}
    cap: -1
  - name: a
    match: {}
    bot: nothing
default:
  bot: {url: "http://u:pw@runner/start?api_key=sekrit", timeout: 3m}
`
	_, err := Parse("serve.yaml", []byte(file))
	es := AsErrors(err)
	want := []string{
		`serve.yaml:3: caps.global: must be a whole number, got a string "many"`,
		`serve.yaml:5: colour: unknown field (known: webhook_path,`,
		`serve.yaml:13: rules[1].bot: must be a mapping, got a string`,
		`serve.yaml:1: patch: must be "bot" or "serve" (got "both")`,
		`serve.yaml:4: caps.queue_timeout: must be between 0s and 10m (got 11m)`,
		`serve.yaml:9: rules[0].bot.cmd: argument 3: unknown placeholder {roomurl}`,
		`serve.yaml:10: rules[0].cap: must be between 0`,
		`serve.yaml:11: rules[1].name: "a" is also the name of rules[0]`,
		`serve.yaml:12: rules[1].match: required: at least one of to, from, sip_headers`,
		`serve.yaml:15: default.bot.timeout: must be between 0s and 2m (got 3m)`,
	}
	if len(es) != len(want) {
		t.Fatalf("%d problems, want %d:\n%s", len(es), len(want), es.Lines())
	}
	for i, w := range want {
		if !strings.HasPrefix(es[i].Error(), w) {
			t.Errorf("problem %d:\n got %s\nwant %s", i, es[i], w)
		}
	}
	if !strings.HasSuffix(err.Error(), "(and 9 more problems)") || strings.Contains(err.Error(), "\n") {
		t.Errorf("one-line message: %q", err)
	}
	var first *Error
	if !errors.As(err, &first) || first.Line != 3 {
		t.Errorf("errors.As finds %+v", first)
	}
}

// The bot runner URL's password and query values never appear in a problem.
func TestBotURLRedactedInProblems(t *testing.T) {
	_, err := Parse("f.yaml", []byte("default:\n  bot: {url: \"ftp://u:pw@runner/start?api_key=sekrit\"}\n"))
	if err == nil || strings.Contains(err.Error(), "sekrit") || strings.Contains(err.Error(), "pw") ||
		!strings.Contains(err.Error(), `default.bot.url: must be an absolute http or https URL (got "ftp://redacted@runner/start?api_key=redacted")`) {
		t.Fatalf("err = %v", err)
	}
}

// Read leaves the configuration open to settings from elsewhere: a file with only caps is
// valid once a default bot is added, and a flag's field is reported against the flag.
func TestReadThenNormalize(t *testing.T) {
	c, err := Read("f.yaml", []byte("caps: {global: 5}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c.Default = &rules.Rule{Bot: rules.Bot{Cmd: "bot -i {call_id}"}}
	if err := c.Normalize(); err != nil || c.Caps.Global != 5 {
		t.Fatalf("Normalize = %v, %+v", err, c.Caps)
	}
	c, _ = Read("f.yaml", []byte("caps: {global: 5}\ndefault: {bot: {cmd: x}, cap: 4}\n"))
	c.Caps.Global = 3
	c.SetByFlag("caps.global", "--cap")
	c.SetByFlag("default.cap", "--nothing")
	if err := c.Normalize(); err == nil || err.Error() != "--nothing: must be between 0 (only the global cap) and caps.global 3 (got 4)" {
		t.Fatalf("Normalize = %v", err)
	}
}

// CheckPrograms names each missing program with its line.
func TestCheckPrograms(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "bot.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	src := "rules:\n  - name: a\n    match: {to: x}\n    bot: {cmd: \"" + script + " -i {call_id}\"}\n  - name: b\n    match: {to: y}\n    bot:\n      cmd: \"no-such-bot-program-4711 -i {call_id}\"\ndefault:\n  bot: {cmd: ./missing.sh}\n"
	c, err := Parse("f.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	es := AsErrors(c.CheckPrograms(dir))
	if len(es) != 2 || es[0].Error() != `f.yaml:8: rules[1].bot.cmd: program "no-such-bot-program-4711" is not in PATH` ||
		es[1].Error() != `f.yaml:10: default.bot.cmd: program "./missing.sh": not found` {
		t.Fatalf("CheckPrograms:\n%s", es.Lines())
	}
}
