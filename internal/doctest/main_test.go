package doctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var (
	// repoRoot is the module's root directory, where README.md and docs/ are.
	repoRoot string
	// binDir holds the dialin binary built for this run; the scripts' PATH starts with it.
	binDir string
	// goEnv carries the Go caches into the scripts, whose HOME is a scratch directory.
	goEnv []string
)

// TestMain builds dialin once for every script.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if repoRoot, err = findRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "doctest:", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "dialin-doctest-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "doctest:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	binDir = tmp
	build := exec.Command(goTool(), "build", "-o", filepath.Join(binDir, "dialin"), "./cmd/dialin")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "doctest: go build ./cmd/dialin: %v\n%s", err, out)
		return 1
	}
	out, err := exec.Command(goTool(), "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "doctest: go env:", err)
		return 1
	}
	for i, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		if v := strings.Split(strings.TrimSpace(string(out)), "\n"); i < len(v) && v[i] != "" {
			goEnv = append(goEnv, name+"="+v[i])
		}
	}
	return m.Run()
}

// goTool is the go command: from PATH, else the one that built this test.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// findRoot walks up from the test's directory to the one holding go.mod.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// guideFiles returns README.md and docs/*.md (not the generated docs/reference), relative to
// the repository root.
func guideFiles(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"README.md"}
	for _, d := range docs {
		rel, _ := filepath.Rel(repoRoot, d)
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

// deployFiles returns the files under deploy/, relative to the repository root.
func deployFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(repoRoot, "deploy"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
