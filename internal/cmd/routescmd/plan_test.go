package routescmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// testSecrets is the environment routes files in tests read ${…} from.
var testSecrets = map[string]string{"SUPPORT_HMAC": secretA, "NEW_HMAC": secretC}

func lookupTestEnv(k string) (string, bool) { v, ok := testSecrets[k]; return v, ok }

// specFile writes a routes file into the test's temp dir and returns its path.
func specFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// specSame is the seeded routes as a file: planning it changes nothing.
const specSame = `routes:
  - number: "+14155550100"
    url: https://a.example.com/dialin
    name_prefix: ci-support
    hmac: ${SUPPORT_HMAC}
  - number: "+14155550101"
    url: https://b.example.com/dialin
    hold_music_url: https://cdn.example.com/hold.mp3
    timeout_message: Sorry
  - sip: ci-trunk
    url: https://c.example.com/sip
`

// specChanges updates one route, adds one and (with --prune) removes the managed SIP route.
const specChanges = `managed_prefix: ci-
routes:
  - number: "+1 (415) 555-0100"
    url: https://a2.example.com/dialin
    name_prefix: ci-support
  - number: "+14155550150"
    url: https://new.example.com/dialin
    name_prefix: ci-new
    hmac: ${NEW_HMAC}
`

func (e *testEnv) runPlan(args ...string) error {
	return cmdtest.Exec(NewCmdPlan(e.Factory, func(o *PlanOptions) error {
		o.StateDir, o.LookupEnv = e.deps().StateDir, lookupTestEnv
		return planRun(context.Background(), o)
	}), args...)
}

func TestNewCmdPlan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	parse := func(args ...string) (*PlanOptions, error) {
		var got *PlanOptions
		err := cmdtest.Exec(NewCmdPlan(e.Factory, func(o *PlanOptions) error { got = o; return nil }), args...)
		return got, err
	}
	for _, tt := range []struct {
		args []string
		out  string
	}{
		{[]string{"-f", "r.yaml"}, ""},
		{[]string{"-f", "r.yaml", "--out", "p.plan"}, "p.plan"},
		{[]string{"-f", "r.yaml", "-o", "p.plan"}, "p.plan"},
		{[]string{"-f", "r.yaml", "-out", "p.plan"}, "p.plan"},
		{[]string{"-out=p.plan", "-f", "r.yaml", "--prune", "--detailed-exitcode"}, "p.plan"},
	} {
		o, err := parse(tt.args...)
		if err != nil || o.Out != tt.out || o.File != "r.yaml" {
			t.Errorf("%v: %+v, %v", tt.args, o, err)
		}
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 64, "--file: required"},
		{[]string{"--detailed-exitcode"}, 1, "--file: required"},
		{[]string{"-f", "r.yaml", "other.yaml"}, 64, `unexpected argument "other.yaml"`},
		{[]string{"-f", "r.yaml", "--out", ""}, 64, "--out: must name a file"},
		{[]string{"-f", "r.yaml", "--api", "x"}, 64, "--api: must be pinless or configs"},
	} {
		_, err := parse(tt.args...)
		wantExit(t, err, tt.code, tt.want)
	}
}

func TestPlanDetailedExitCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	same, changes := specFile(t, specSame), specFile(t, specChanges)

	// No changes: 0 with and without --detailed-exitcode.
	for _, extra := range [][]string{nil, {"--detailed-exitcode"}} {
		e.Out.Reset()
		if err := e.runPlan(append([]string{"-f", same, "--prune"}, extra...)...); err != nil {
			t.Fatalf("%v: %v", extra, err)
		}
		if !strings.HasSuffix(e.Out.String(), "No changes. The routes match the file.\n") {
			t.Errorf("stdout:\n%s", e.Out)
		}
	}
	// Changes: 0 without, 2 with.
	e.Out.Reset()
	if err := e.runPlan("-f", changes, "--prune"); err != nil {
		t.Fatal(err)
	}
	want := `dialin will perform the following actions:

  ~ route +14155550100
      ~ room_creation_api = "https://a.example.com/dialin" → "https://a2.example.com/dialin"

  - route sip:ci-trunk
      - room_creation_api = "https://c.example.com/sip"
      - name_prefix       = "ci-trunk"
      - hmac              = (sensitive value)

  + route +14155550150
      + phone_number      = "+14155550150"
      + room_creation_api = "https://new.example.com/dialin"
      + name_prefix       = "ci-new"
      + hmac              = (sensitive value)

  # route +14155550101: not in the file and not managed by it (name_prefix does not start with "ci-"); kept

Plan: 1 to add, 1 to change, 1 to remove.
`
	if got := e.Out.String(); got != want {
		t.Errorf("plan:\n%s\nwant\n%s", got, want)
	}
	wantExit(t, e.runPlan("-f", changes, "--detailed-exitcode"), 2, "changes present")
	// Errors: 1 with --detailed-exitcode (bad input included), 64 without.
	bad := specFile(t, "routes:\n  - number: \"+14155550150\"\n    url: http://x.example.com/d\n")
	wantExit(t, e.runPlan("-f", bad), 64, "")
	wantExit(t, e.runPlan("-f", bad, "--detailed-exitcode"), 1, "")
	if err := e.runPlan("-f", bad); !strings.HasSuffix(err.Error(), "routes.yaml:3: routes[0].url: must use https (--allow-http accepts http for loopback hosts)") {
		t.Errorf("err = %v", err)
	}
	e.Server.FailNext(500, 10)
	wantExit(t, e.runPlan("-f", same, "--detailed-exitcode"), 1, "")
	if e.writes() != 0 {
		t.Fatalf("plan wrote %d times", e.writes())
	}
	noSecrets(t, e.Out.String(), e.ErrOut.String())
}

func TestPlanRefusesBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for body, want := range map[string]string{
		"routes:\n  - number: \"+14155550150\"\n    url: https://x.example.com/d\n    colour: red\n":                                 "routes.yaml:4: routes[0].colour: unknown field",
		"routes:\n  - number: \"+14155550150\"\n    url: https://x.example.com/d\n    hmac: ${UNSET}\n":                              "routes.yaml:4: routes[0].hmac: environment variable UNSET is not set",
		"routes:\n  - number: \"+14155550150\"\n    url: https://x.example.com/d\n    hold_music_url: https://x.example.com/a.wav\n": "routes.yaml:4: routes[0].hold_music_url: must be an MP3 file",
	} {
		err := e.runPlan("-f", specFile(t, body))
		wantExit(t, err, 64, "")
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
	if n := len(e.Server.Requests()); n != 0 {
		t.Fatalf("%d requests for a bad file", n)
	}
	// Ownership needs the domain's numbers: refused after reading them, before the routes.
	err := e.runPlan("-f", specFile(t, "routes:\n  - number: \"+14155550199\"\n    url: https://x.example.com/d\n"))
	wantExit(t, err, 64, "")
	if !strings.Contains(err.Error(), "routes.yaml:2: routes[0].number: the domain does not own this number") {
		t.Errorf("err = %v", err)
	}
	if e.Server.Count("GET", "/") != 0 {
		t.Error("routes read for a refused file")
	}
	if err := e.runPlan("-f", specFile(t, "routes:\n  - number: \"+14155550199\"\n    url: https://x.example.com/d\n"), "--force"); err != nil {
		t.Fatalf("--force: %v", err)
	}
}

func TestPlanJSONAndSavedPlan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	planFile := filepath.Join(t.TempDir(), "routes.plan")
	if err := e.runPlan("-f", specFile(t, specChanges), "--json", "--out", planFile); err != nil {
		t.Fatal(err)
	}
	var p routes.PlanResult
	if err := json.Unmarshal(e.Out.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Summary != (routes.Summary{Add: 1, Change: 1, Keep: 2}) || len(p.Changes) != 4 || p.BaseHash == "" {
		t.Errorf("json plan %+v", p)
	}
	noSecrets(t, e.Out.String(), e.ErrOut.String())
	fi, err := os.Stat(planFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("plan file %v, %v", fi, err)
	}
	b, _ := os.ReadFile(planFile)
	saved, err := routes.DecodePlanFile(b)
	if err != nil || saved.BaseHash != p.BaseHash || saved.Summary != p.Summary {
		t.Fatalf("saved plan %+v, %v", saved, err)
	}
	if !strings.Contains(e.ErrOut.String(), "Saved the plan to "+planFile) {
		t.Errorf("stderr:\n%s", e.ErrOut)
	}
}
