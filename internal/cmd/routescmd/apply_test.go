package routescmd

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

func (e *testEnv) runApply(args ...string) error {
	return cmdtest.Exec(NewCmdApply(e.Factory, func(o *ApplyOptions) error {
		o.StateDir, o.LookupEnv = e.deps().StateDir, lookupTestEnv
		return applyRun(context.Background(), o)
	}), args...)
}

func TestNewCmdApply(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "-f FILE or PLANFILE: one is required"},
		{[]string{"-f", "r.yaml", "p.plan"}, "-f FILE and PLANFILE: give one"},
		{[]string{"p.plan", "--prune"}, "--prune: a saved plan already says what it removes"},
		{[]string{"a", "b"}, "accepts at most 1 arg(s)"},
	} {
		err := cmdtest.Exec(NewCmdApply(e.Factory, func(*ApplyOptions) error { return nil }), tt.args...)
		wantExit(t, err, 64, tt.want)
	}
	var got *ApplyOptions
	if err := cmdtest.Exec(NewCmdApply(e.Factory, func(o *ApplyOptions) error { got = o; return nil }), "p.plan", "--yes"); err != nil || got.PlanFile != "p.plan" || !got.Yes {
		t.Fatalf("%+v, %v", got, err)
	}
}

func TestApplyPruneAsksThenWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.live(t)
	file := specFile(t, specChanges)
	wantExit(t, e.runApply("-f", file, "--prune"), 64, "Apply this plan to the routes: refusing without --yes")
	if e.writes() != 0 || !strings.Contains(e.Out.String(), "Plan: 1 to add, 1 to change, 1 to remove.") {
		t.Fatalf("%d writes; stdout:\n%s", e.writes(), e.Out)
	}
	e.IO.SetStdinTTY(true)
	e.IO.SetStdoutTTY(true)
	e.In.WriteString("y\n")
	if err := e.runApply("-f", file, "--prune"); err != nil {
		t.Fatal(err)
	}
	after := e.live(t)
	if len(after) != 3 || after["sip:ci-trunk"] != nil || !testkit.SameJSON(before["+14155550101"], after["+14155550101"]) {
		t.Fatalf("after:\n%s", masked(after))
	}
	if a := after["+14155550100"]; a["room_creation_api"] != "https://a2.example.com/dialin" || a["hmac"] != secretA ||
		!testkit.SameJSON(a["x_future"], map[string]any{"keep": []any{1, 2}}) {
		t.Errorf("updated %s", masked(a))
	}
	if after["+14155550150"]["hmac"] != secretC {
		t.Error("the new route's secret is not the one from ${NEW_HMAC}")
	}
	if !strings.Contains(e.ErrOut.String(), "✓ Applied: 1 added, 1 changed, 1 removed (read back and verified)") {
		t.Errorf("stderr:\n%s", e.ErrOut)
	}
	// Applying again changes nothing and asks nothing.
	e.IO.SetStdinTTY(false)
	n := e.writes()
	if err := e.runApply("-f", file, "--prune"); err != nil {
		t.Fatal(err)
	}
	if e.writes() != n {
		t.Error("a plan without changes wrote")
	}
	noSecrets(t, e.Out.String(), e.ErrOut.String())
}

func TestApplySavedPlanExactlyOrRefusesWhenStale(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	planFile := filepath.Join(t.TempDir(), "routes.plan")
	if err := e.runPlan("-f", specFile(t, specChanges), "--out", planFile); err != nil {
		t.Fatal(err)
	}
	e.Out.Reset()
	if err := e.runApply(planFile, "--yes", "--json"); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Plan    routes.PlanResult `json:"plan"`
		Applied bool              `json:"applied"`
		Backup  string            `json:"backup"`
	}
	if err := json.Unmarshal(e.Out.Bytes(), &res); err != nil || !res.Applied || res.Backup == "" || res.Plan.Summary.Add != 1 {
		t.Fatalf("json %s: %v", e.Out, err)
	}
	if live := e.live(t); len(live) != 4 || live["+14155550150"]["hmac"] != secretC {
		t.Fatalf("after apply: %s", masked(live))
	}
	// The same plan again is stale: the routes are no longer those it was made against.
	n := e.writes()
	err := e.runApply(planFile, "--yes")
	wantExit(t, err, 1, planFile+": stale plan: the routes changed since the plan was made")
	if e.writes() != n {
		t.Fatal("a stale plan wrote")
	}

	// A plan made, then someone else changes the routes: refused, nothing written.
	if err := e.runPlan("-f", specFile(t, specSame), "--out", planFile); err != nil {
		t.Fatal(err)
	}
	if err := e.runSet("--number", "+14155550152", "--url", "https://other.example.com/d"); err != nil {
		t.Fatal(err)
	}
	n = e.writes()
	wantExit(t, e.runApply(planFile, "--yes"), 1, planFile+": stale plan")
	if e.writes() != n || e.live(t)["+14155550152"] == nil {
		t.Fatal("a stale plan wrote")
	}
	// A file that is not a plan is bad input.
	wantExit(t, e.runApply(specFile(t, specSame), "--yes"), 64, "")
}

func TestApplyThroughTheConfigsAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.runApply("--api", "configs", "-f", specFile(t, specChanges), "--prune", "--yes"); err != nil {
		t.Fatal(err)
	}
	if e.Server.Count("POST", "/") != 0 {
		t.Error("--api configs wrote the pinless_dialin array")
	}
	if live := e.live(t); len(live) != 3 || live["sip:ci-trunk"] != nil || live["+14155550100"]["hmac"] != secretA {
		t.Errorf("after: %s", masked(live))
	}
}
