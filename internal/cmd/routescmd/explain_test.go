package routescmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
)

func (e *testEnv) runExplain(args ...string) error {
	return cmdtest.Exec(NewCmdExplain(e.Factory, func(o *ExplainOptions) error {
		return explainRun(context.Background(), o)
	}), args...)
}

// serveConfig is a `dialin serve` configuration with one rule and a default.
const serveConfig = `webhook_path: /dialin
rules:
  - name: uk-callers
    match: {to: ["+1415555010*"], from: ["+44*"]}
    bot: {url: "http://127.0.0.1:9000/uk"}
default:
  bot: {url: "http://127.0.0.1:9000/any"}
`

func TestNewCmdExplain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bad := filepath.Join(t.TempDir(), "serve.yaml")
	if err := os.WriteFile(bad, []byte("rules: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "--to: required"},
		{[]string{"--to", "hello"}, `--to: phone number "hello": `},
		{[]string{"--to", "+14155550100", "--serve-config", "/no/such.yaml"}, "--serve-config: open /no/such.yaml"},
		{[]string{"--to", "+14155550100", "--serve-config", bad}, "--serve-config: "},
		{[]string{"--to", "+14155550100", "--sip-header", "novalue"}, "invalid argument"},
	} {
		err := cmdtest.Exec(NewCmdExplain(e.Factory, func(*ExplainOptions) error { return nil }), tt.args...)
		wantExit(t, err, 64, tt.want)
	}
	if len(e.Server.Requests()) != 0 {
		t.Fatal("requests sent for bad input")
	}
}

func TestExplainNormalisesNumbers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var outs []string
	for _, to := range []string{"+1 (415) 555-0101", "14155550101", "+14155550101", "(415) 555-0101"} {
		e.Out.Reset()
		if err := e.runExplain("--to", to, "--from", "+44 20 7183 8750"); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, e.Out.String())
		lines := strings.Split(e.Out.String(), "\n")
		if lines[0] != "Call:    +14155550101 from +442071838750" || lines[1] != "Route:   entry #2, +14155550101 → https://b.example.com/dialin" ||
			!strings.HasPrefix(lines[2], "Why:     entry #2 matches: its phone_number is +14155550101") {
			t.Errorf("--to %q:\n%s", to, e.Out)
		}
	}
	if !strings.Contains(outs[0], `("+1 (415) 555-0101" normalised to E.164 is +14155550101)`) || strings.Contains(outs[2], "normalised") {
		t.Errorf("the reason should say how the number was read:\n%s\n%s", outs[0], outs[2])
	}
	if !strings.Contains(e.ErrOut.String(), "Give --serve-config FILE") {
		t.Errorf("no hint about serve rules:\n%s", e.ErrOut)
	}

	// No route: the explanation, then exit 1 (like grep); -q prints nothing, the code answers.
	e.Out.Reset()
	wantExit(t, e.runExplain("--to", "+14155550152"), 1, "")
	if !strings.Contains(e.Out.String(), "Route:   none\nWhy:     no entry has the phone_number +14155550152") {
		t.Errorf("no match:\n%s", e.Out)
	}
	e.Out.Reset()
	wantExit(t, e.runExplain("--to", "+14155550152", "-q"), 1, "")
	wantExit(t, e.runExplain("--to", "+14155550101", "-q"), 0, "")
	if e.Out.Len() != 0 {
		t.Errorf("-q printed %q", e.Out)
	}
}

func TestExplainSIPJSONAndServeRule(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sip, _ := e.live(t)["sip:ci-trunk"]["sip_uri"].(string)
	e.Out.Reset()
	if err := e.runExplain("--to", "sip:"+sip, "--json"); err != nil {
		t.Fatal(err)
	}
	var x map[string]any
	if err := json.Unmarshal(e.Out.Bytes(), &x); err != nil {
		t.Fatal(err)
	}
	if x["matched"] != true || x["by_sip"] != true || x["key"] != "sip:ci-trunk" || x["index"] != float64(2) || x["serve_rule"] != nil {
		t.Errorf("json %v", x)
	}
	noSecrets(t, e.Out.String())

	cfg := filepath.Join(t.TempDir(), "serve.yaml")
	if err := os.WriteFile(cfg, []byte(serveConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Out.Reset()
	if err := e.runExplain("--to", "4155550100", "--from", "+442071838750", "--serve-config", cfg); err != nil {
		t.Fatal(err)
	}
	out := e.Out.String()
	if !strings.Contains(out, "Rule:    uk-callers ("+cfg+")\nWhy:     rule \"uk-callers\" matches: to \"+14155550100\" matches +1415555010*, from \"+442071838750\" matches +44*") ||
		strings.Contains(out, "Note:") {
		t.Errorf("serve rule:\n%s", out)
	}
	e.Out.Reset()
	if err := e.runExplain("--to", "4155550100", "--from", "+12125550100", "--serve-config", cfg, "--json"); err != nil {
		t.Fatal(err)
	}
	var y struct {
		ServeRule serveRule `json:"serve_rule"`
	}
	if err := json.Unmarshal(e.Out.Bytes(), &y); err != nil || y.ServeRule.Name != "default" ||
		!strings.HasPrefix(y.ServeRule.Reason, "no rule matches, so the default takes the call") {
		t.Errorf("default rule: %+v %v", y, err)
	}
	// The SIP route's webhook path is not serve's: explain says so.
	e.Out.Reset()
	if err := e.runExplain("--to", sip, "--serve-config", cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.Out.String(), `Note:    the route's webhook path "/sip" is not serve's webhook_path "/dialin"`) {
		t.Errorf("no path note:\n%s", e.Out)
	}
}

func TestExplainWarnsOfPatternsWithoutPlus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := filepath.Join(t.TempDir(), "serve.yaml")
	config := `rules:
  - name: sf-office
    match: {to: ["415555*", "+1415*"]}
    bot: {url: "http://127.0.0.1:9000/sf"}
  - name: uk
    match: {from: ["44*", "+44*", "*0100", "?1212*"]}
    bot: {url: "http://127.0.0.1:9000/uk"}
  - name: trunk
    match: {to: ["4155550100@trunk.example", "sip:4155*"]}
    bot: {url: "http://127.0.0.1:9000/trunk"}
`
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := e.runExplain("--to", "+14155550100", "--serve-config", cfg); err != nil {
		t.Fatal(err)
	}
	want := "! rule sf-office: match.to pattern \"415555*\" never matches an E.164 number (they start with +)\n" +
		"! rule uk: match.from pattern \"44*\" never matches an E.164 number (they start with +)\n"
	if got := e.ErrOut.String(); got != want {
		t.Errorf("stderr %q\nwant   %q", got, want)
	}
	if !strings.Contains(e.Out.String(), "Rule:    sf-office (") {
		t.Errorf("stdout:\n%s", e.Out)
	}

	// The usual configuration, all patterns in E.164: no warning.
	good := filepath.Join(t.TempDir(), "good.yaml")
	if err := os.WriteFile(good, []byte(serveConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	e.ErrOut.Reset()
	if err := e.runExplain("--to", "+14155550100", "--serve-config", good); err != nil || e.ErrOut.Len() != 0 {
		t.Errorf("err %v, stderr %q", err, e.ErrOut)
	}
}
