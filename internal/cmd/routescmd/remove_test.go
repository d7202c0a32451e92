package routescmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

func (e *testEnv) runRemove(args ...string) error {
	return cmdtest.Exec(NewCmdRemove(e.Factory, func(o *RemoveOptions) error {
		o.StateDir = e.deps().StateDir
		return removeRun(context.Background(), o)
	}), args...)
}

func TestNewCmdRemove(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tt := range []struct {
		args []string
		key  routes.Key
		want string
	}{
		{[]string{"--number", "(415) 555-0100"}, routes.NumberKey("+14155550100"), ""},
		{[]string{"--sip", "ci-trunk", "--yes"}, routes.SIPKey("ci-trunk"), ""},
		{[]string{"sip:ci-trunk"}, routes.SIPKey("ci-trunk"), ""},
		{[]string{"14155550100", "--dry-run"}, routes.NumberKey("+14155550100"), ""},
		{nil, routes.Key{}, "--number, --sip or KEY: give exactly one"},
		{[]string{"--number", "+14155550100", "--sip", "x"}, routes.Key{}, "--number, --sip or KEY: give exactly one"},
		{[]string{"--number", "sip:x"}, routes.Key{}, "route key: --number takes a phone number"},
		{[]string{"--number", "not a number"}, routes.Key{}, "route key: "},
		{[]string{"a", "b"}, routes.Key{}, "accepts at most 1 arg(s)"},
	} {
		var got *RemoveOptions
		err := cmdtest.Exec(NewCmdRemove(e.Factory, func(o *RemoveOptions) error { got = o; return nil }), tt.args...)
		if tt.want != "" {
			wantExit(t, err, 64, tt.want)
			continue
		}
		if err != nil || got.Key != tt.key {
			t.Errorf("%v: key %v, err %v", tt.args, got.Key, err)
		}
	}
	if e.writes() != 0 || len(e.Server.Requests()) != 0 {
		t.Fatal("flag parsing sent requests")
	}
}

func TestRemoveKeepsTheRestAndAsks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.live(t)
	wantExit(t, e.runRemove("--number", "+14155550100"), 64, "Remove route +14155550100: refusing without --yes")
	if e.writes() != 0 {
		t.Fatal("written without confirmation")
	}
	if !strings.Contains(e.ErrOut.String(), "  - route +14155550100\n") {
		t.Errorf("no diff before the question:\n%s", e.ErrOut)
	}
	e.IO.SetStdinTTY(true)
	e.IO.SetStdoutTTY(true)
	e.In.WriteString("\n") // Enter is no
	wantExit(t, e.runRemove("--number", "+14155550100"), 130, "cancelled")
	e.In.WriteString("yes\n")
	if err := e.runRemove("--number", "+14155550100"); err != nil {
		t.Fatal(err)
	}
	after := e.live(t)
	if len(after) != 2 || after["+14155550100"] != nil || !testkit.SameJSON(before["+14155550101"], after["+14155550101"]) ||
		!testkit.SameJSON(before["sip:ci-trunk"], after["sip:ci-trunk"]) {
		t.Fatalf("after:\n%s", masked(after))
	}
	if !strings.Contains(e.ErrOut.String(), "✓ Removed route +14155550100 (read back and verified)") {
		t.Errorf("stderr:\n%s", e.ErrOut)
	}
	noSecrets(t, e.Out.String(), e.ErrOut.String())
}

func TestRemoveMissingDryRunJSONAndConfigs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	err := e.runRemove("--number", "+14155550150", "--yes")
	wantExit(t, err, 1, "route +14155550150: no such route")
	if e.writes() != 0 {
		t.Fatal("written")
	}
	if err := e.runRemove("sip:ci-trunk", "--dry-run", "--json"); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Change  routes.Change `json:"change"`
		Written bool          `json:"written"`
		DryRun  bool          `json:"dry_run"`
	}
	if err := json.Unmarshal(e.Out.Bytes(), &res); err != nil || res.Written || !res.DryRun || res.Change.Action != routes.ActionRemove {
		t.Fatalf("json %s: %v", e.Out, err)
	}
	if e.writes() != 0 {
		t.Fatal("dry run wrote")
	}
	if err := e.runRemove("--api", "configs", "--sip", "ci-trunk", "--yes"); err != nil {
		t.Fatal(err)
	}
	if e.Server.Count("POST", "/") != 0 || len(e.live(t)) != 2 {
		t.Errorf("configs removal: %s", masked(e.live(t)))
	}
}
