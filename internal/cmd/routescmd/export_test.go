package routescmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

func (e *testEnv) runExport(args ...string) error {
	return cmdtest.Exec(NewCmdExport(e.Factory, func(o *ExportOptions) error {
		return exportRun(context.Background(), o)
	}), args...)
}

func TestNewCmdExport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for args, want := range map[string]string{
		"":                                    SecretsEnv,
		"--secrets omit":                      SecretsOmit,
		"--include-secrets":                   SecretsInclude,
		"--include-secrets --secrets include": SecretsInclude,
	} {
		var got *ExportOptions
		if err := cmdtest.Exec(NewCmdExport(e.Factory, func(o *ExportOptions) error { got = o; return nil }), strings.Fields(args)...); err != nil || got.Secrets != want {
			t.Errorf("%q: %v, %v", args, got, err)
		}
	}
	for args, want := range map[string]string{
		"--secrets plain":                  "--secrets: must be env, omit or include",
		"--include-secrets --secrets omit": "--include-secrets and --secrets omit: give one",
		"file.yaml":                        "unknown command",
	} {
		err := cmdtest.Exec(NewCmdExport(e.Factory, func(*ExportOptions) error { return nil }), strings.Fields(args)...)
		wantExit(t, err, 64, want)
	}
}

func TestExportPlansWithoutChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.runExport(); err != nil {
		t.Fatal(err)
	}
	out := e.Out.String()
	noSecrets(t, out, e.ErrOut.String())
	for _, want := range []string{"hmac: ${DIALIN_HMAC_14155550100}", "sip: ci-trunk", "timeout_message: Sorry"} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(e.ErrOut.String(), "The file reads 3 secret(s) from the environment: DIALIN_HMAC_14155550100, DIALIN_HMAC_14155550101, DIALIN_HMAC_SIP_CI_TRUNK.") {
		t.Errorf("stderr:\n%s", e.ErrOut)
	}
	env := map[string]string{"DIALIN_HMAC_14155550100": secretA, "DIALIN_HMAC_14155550101": secretB, "DIALIN_HMAC_SIP_CI_TRUNK": secretC}
	spec, err := routes.ParseSpec("routes.yaml", []byte(out), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := routes.NewDailyStore(e.client).Get(e.ctx)
	if p := routes.Plan(cur, spec, true); p.HasChanges() {
		t.Errorf("the export plans with changes: %+v", p.Summary)
	}

	// To a file: 0644 without secrets, 0600 with.
	dir := t.TempDir()
	for _, tt := range []struct {
		args   []string
		mode   os.FileMode
		secret bool
	}{
		{[]string{"--secrets", "omit"}, 0o644, false},
		{[]string{"--include-secrets"}, 0o600, true},
	} {
		path := filepath.Join(dir, tt.args[0]+".yaml")
		if err := e.runExport(append(tt.args, "-o", path)...); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		fi, _ := os.Stat(path)
		if fi.Mode().Perm() != tt.mode || strings.Contains(string(b), secretA) != tt.secret || strings.Contains(string(b), "hmac: ${DIALIN") {
			t.Errorf("%v: mode %v, file:\n%s", tt.args, fi.Mode(), b)
		}
	}
}

// `dialin routes export > r.yaml; dialin routes plan -f r.yaml` plans clean with default
// flags, with no secret in the environment and an http (loopback) route live: the file says
// unset_hmac: keep and allow_http: true. Before, plan exited 64 ("environment variable
// DIALIN_HMAC_… is not set", then "must use https").
func TestExportThenPlanWithDefaultFlagsHasNoChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.runSet("--number", "+14155550150", "--url", "http://127.0.0.1:7/dialin", "--allow-http", "--yes"); err != nil {
		t.Fatal(err)
	}
	e.Out.Reset()
	if err := e.runExport(); err != nil {
		t.Fatal(err)
	}
	file := specFile(t, e.Out.String())
	for _, want := range []string{"allow_http: true", "unset_hmac: keep", "hmac: ${DIALIN_HMAC_14155550100}"} {
		if !strings.Contains(e.Out.String(), want) {
			t.Errorf("export lacks %q:\n%s", want, e.Out)
		}
	}
	e.Out.Reset()
	err := cmdtest.Exec(NewCmdPlan(e.Factory, func(o *PlanOptions) error {
		o.StateDir, o.LookupEnv = e.deps().StateDir, func(string) (string, bool) { return "", false }
		return planRun(context.Background(), o)
	}), "-f", file, "--detailed-exitcode")
	if err != nil {
		t.Fatalf("plan of the export: %v\n%s", err, e.Out)
	}
	if !strings.Contains(e.Out.String(), "No changes.") {
		t.Errorf("plan:\n%s", e.Out)
	}
}
