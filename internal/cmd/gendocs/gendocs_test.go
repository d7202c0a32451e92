package gendocs_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cli"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
)

// asDialin makes the test binary behave as `dialin` (for the shells' completion calls).
const asDialin = "DIALIN_GENDOCS_TEST_AS_DIALIN"

func TestMain(m *testing.M) {
	if os.Getenv(asDialin) == "1" {
		os.Exit(cli.Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// generate runs `dialin gendocs --dir DIR` in-process and returns DIR.
func generate(t *testing.T, dir string) string {
	t.Helper()
	ios, _, _, errOut := iostreams.Test()
	f := cmdutil.NewFactoryWith(ios, config.Options{Dir: t.TempDir(), NoEnv: true})
	if code := cli.Run(context.Background(), f, []string{"gendocs", "--dir", dir}); code != 0 {
		t.Fatalf("gendocs --dir %s: exit %d: %s", dir, code, errOut)
	}
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGendocsWritesReferenceManAndCompletions(t *testing.T) {
	t.Parallel()
	dir := generate(t, t.TempDir())

	man := read(t, filepath.Join(dir, "docs/man/dialin-auth-login.1"))
	for _, want := range []string{`.TH "DIALIN-AUTH-LOGIN" "1" "Jan 2026" "dialin" "dialin manual"`, "--with-token", `\fBdialin-auth(1)\fP`} {
		if !strings.Contains(man, want) {
			t.Errorf("dialin-auth-login.1 lacks %q:\n%s", want, man)
		}
	}
	md := read(t, filepath.Join(dir, "docs/reference/dialin_auth_login.md"))
	for _, want := range []string{"## dialin auth login", "dialin auth login [flags]", "[dialin auth](dialin_auth.md)"} {
		if !strings.Contains(md, want) {
			t.Errorf("dialin_auth_login.md lacks %q:\n%s", want, md)
		}
	}
	topic := read(t, filepath.Join(dir, "docs/reference/dialin_help_exit-codes.md"))
	if !strings.Contains(topic, "## dialin help exit-codes") || !strings.Contains(topic, "130") {
		t.Errorf("help topic page:\n%s", topic)
	}
	if root := read(t, filepath.Join(dir, "docs/reference/dialin.md")); !strings.Contains(root, "[dialin help environment](dialin_help_environment.md)") {
		t.Errorf("dialin.md does not list the help topics:\n%s", root)
	}
	if man := read(t, filepath.Join(dir, "docs/man/dialin-help-environment.1")); !strings.Contains(man, "DAILY_API_KEY") {
		t.Errorf("dialin-help-environment.1:\n%s", man)
	}

	for _, name := range []string{"dialin.bash", "_dialin", "dialin.fish", "dialin.ps1"} {
		script := read(t, filepath.Join(dir, "completions", name))
		if len(script) < 100 || !strings.Contains(script, "__complete") {
			t.Errorf("completions/%s is not a cobra completion script (%d bytes)", name, len(script))
		}
		if !strings.Contains(script, "dialin") {
			t.Errorf("completions/%s does not mention dialin", name)
		}
	}
	if zsh := read(t, filepath.Join(dir, "completions/_dialin")); !strings.HasPrefix(zsh, "#compdef dialin\n") {
		t.Errorf("_dialin must start with #compdef dialin for compinit, starts %q", zsh[:min(len(zsh), 40)])
	}
}

// TestGendocsOutputIsStable: the drift check in CI compares a fresh run with the committed
// files, so nothing may depend on the clock or the environment of the machine that runs it.
func TestGendocsOutputIsStable(t *testing.T) {
	first := generate(t, t.TempDir())

	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "DIALIN_CONFIG_DIR", "DIALIN_STATE_DIR"} {
		t.Setenv(k, t.TempDir())
	}
	t.Setenv("DIALIN_PROFILE", "other")
	t.Setenv("DAILY_API_URL", "http://127.0.0.1:1")
	t.Setenv("TZ", "Pacific/Kiritimati")
	t.Setenv("SOURCE_DATE_EPOCH", "1")
	second := generate(t, t.TempDir())

	for _, d := range []string{first, second} {
		for _, text := range []string{"Auto generated", "spf13/cobra on"} {
			if hits := grep(t, d, text); len(hits) > 0 {
				t.Fatalf("%q in %v: cobra's dated footer must be off", text, hits)
			}
		}
	}
	if diff := diffTrees(t, first, second); diff != "" {
		t.Fatalf("two runs in different environments differ (a flag default or help text depends on the environment?):\n%s", diff)
	}
}

func TestGendocsRemovesPagesOfRemovedCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale := []string{"docs/reference/dialin_gone.md", "docs/man/dialin-gone.1"}
	for _, p := range append(stale, "docs/reference/guide.md") {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	generate(t, dir)
	for _, p := range stale {
		if _, err := os.Stat(filepath.Join(dir, p)); !os.IsNotExist(err) {
			t.Errorf("%s survived regeneration (err %v)", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "docs/reference/guide.md")); err != nil {
		t.Errorf("a file gendocs does not own was touched: %v", err)
	}
	if hits := grep(t, dir, "gendocs --dir"); len(hits) > 0 {
		t.Errorf("the hidden gendocs command is documented in %v", hits)
	}
}

// grep lists the files under dir containing text.
func grep(t *testing.T, dir, text string) []string {
	t.Helper()
	var hits []string
	walk(t, dir, func(rel, content string) {
		if strings.Contains(content, text) {
			hits = append(hits, rel)
		}
	})
	return hits
}

// diffTrees names the files that differ between two directories.
func diffTrees(t *testing.T, a, b string) string {
	t.Helper()
	files := map[string][2]string{}
	walk(t, a, func(rel, c string) { v := files[rel]; v[0] = c; files[rel] = v })
	walk(t, b, func(rel, c string) { v := files[rel]; v[1] = c; files[rel] = v })
	var differ []string
	for rel, v := range files {
		if v[0] != v[1] {
			differ = append(differ, rel)
		}
	}
	slices.Sort(differ)
	return strings.Join(differ, "\n")
}

func walk(t *testing.T, dir string, fn func(rel, content string)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fn(rel, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
