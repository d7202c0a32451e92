package layers

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// list runs `go list -json` on the patterns and decodes its stream of packages.
func list(t *testing.T, args ...string) []Package {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json"}, args...)...)
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestFloors checks every package of the module against the rules in the package doc.
func TestFloors(t *testing.T) {
	t.Parallel()
	pkgs := list(t, "./...")
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages; the rules would check nothing", len(pkgs))
	}
	for _, v := range Violations(pkgs) {
		t.Error(v)
	}
}

// TestBinaryDoesNotLinkTesting: test helpers in shipped packages would put the testing
// package (and its flags) into the dialin binary.
func TestBinaryDoesNotLinkTesting(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("go", "list", "-deps", "./cmd/dialin")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "testing" {
			t.Fatal("the dialin binary links the testing package")
		}
	}
}

// TestEachRuleCatchesItsViolation feeds the rules a deliberate violation of each floor.
func TestEachRuleCatchesItsViolation(t *testing.T) {
	t.Parallel()
	m := Module + "/"
	for _, tt := range []struct {
		pkg, imp, rule string
	}{
		{m + "pkg/daily", m + "pkg/dialin/phone", "the Daily client imports nothing of dialin's"},
		{m + "pkg/daily", "github.com/spf13/cobra", "engines know no CLI or terminal package"},
		{m + "pkg/daily/dailytest", "golang.org/x/time/rate", "the emulator imports only the standard library"},
		{m + "pkg/daily/dailytest", m + "pkg/daily", "the emulator imports only the standard library"},
		{m + "pkg/dialin/serve", m + "internal/testkit", "pkg/ never imports internal/"},
		{m + "pkg/dialin/routes", "github.com/charmbracelet/lipgloss", "engines know no CLI or terminal package"},
		{m + "internal/standin/pipecat", m + "internal/cmd/servecmd", "engines never import the command layer"},
		{m + "internal/standin/pipecat", "golang.org/x/term", "engines know no CLI or terminal package"},
	} {
		got := Violations([]Package{{ImportPath: tt.pkg, Imports: []string{tt.imp}}})
		if len(got) != 1 || !strings.Contains(got[0], tt.rule) {
			t.Errorf("%s importing %s: %q, want one violation of %q", tt.pkg, tt.imp, got, tt.rule)
		}
	}
	// What the floors allow stays allowed.
	for _, ok := range []Package{
		{ImportPath: m + "pkg/daily", Imports: []string{"net/http", "golang.org/x/time/rate"}},
		{ImportPath: m + "pkg/daily/dailytest/control", Imports: []string{m + "pkg/daily/dailytest"}},
		{ImportPath: m + "pkg/dialin/serve", Imports: []string{m + "pkg/daily", m + "pkg/dialin/serve/internal/promreg"}},
		{ImportPath: m + "internal/cmd/servecmd", Imports: []string{m + "pkg/dialin/serve", "github.com/spf13/cobra", m + "internal/cmdutil"}},
	} {
		if got := Violations([]Package{ok}); len(got) != 0 {
			t.Errorf("%s: %q, want none", ok.ImportPath, got)
		}
	}
}
