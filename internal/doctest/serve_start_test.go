package doctest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fixedServePort is a guide's script reaching serve on a port of its own choosing.
var fixedServePort = regexp.MustCompile(`127\.0\.0\.1:786[01]\b`)

// TestGuidesStartServeOnAPortItPicks keeps the guides' scripts honest: every `dialin serve`
// they start listens on port 0 and writes its URL to --ready-file, and nothing in a script
// names 7860/7861. A script that waits on a fixed port passes against someone else's serve,
// or waits forever when its own serve did not start.
func TestGuidesStartServeOnAPortItPicks(t *testing.T) {
	t.Parallel()
	starts := 0
	for _, file := range guideFiles(t) {
		text, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range extractChunks(string(text)) {
			code := strings.ReplaceAll(c.Code, "\\\n", " ") // one line per command
			for _, line := range strings.Split(code, "\n") {
				if fixedServePort.MatchString(line) {
					t.Errorf("%s (block at line %d): %q names a fixed serve port; read DIALIN_SERVE_URL from serve's --ready-file", file, c.Line, line)
				}
				if !regexp.MustCompile(`(^|[\s;&|])(\./)?dialin serve\b`).MatchString(line) || strings.Contains(line, " --check") {
					continue // serve --check listens on nothing
				}
				starts++
				if !strings.Contains(line, "--addr 127.0.0.1:0") || !strings.Contains(line, "--ready-file") {
					t.Errorf("%s (block at line %d): %q: start serve with --addr 127.0.0.1:0 --ready-file FILE", file, c.Line, line)
				}
			}
		}
	}
	if starts == 0 {
		t.Fatal("no guide starts serve: the check found nothing to check")
	}
}

// TestReadmeServeStartFailsLoudly runs the README's own lines that start serve and read its
// URL, with serve unable to start (no API key): the script must stop with an error at once,
// not wait forever or go on with a URL that another server answers.
func TestReadmeServeStartFailsLoudly(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var start []string
	for _, c := range extractChunks(string(text)) {
		lines := strings.Split(strings.ReplaceAll(c.Code, "\\\n", " "), "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "rm -f serve.env") {
				for _, l := range lines[i:] {
					start = append(start, l)
					if strings.HasPrefix(l, ". ./serve.env") {
						break
					}
				}
				break
			}
		}
	}
	if len(start) < 3 || !strings.HasPrefix(start[len(start)-1], ". ./serve.env") {
		t.Fatalf("the README's serve start (rm -f serve.env … . ./serve.env) not found: %q", start)
	}
	work := t.TempDir()
	if err := os.Symlink(filepath.Join(binDir, "dialin"), filepath.Join(work, "dialin")); err != nil {
		t.Fatal(err)
	}
	script := buildScript("README.md", []chunk{{Line: 1, Code: strings.Join(start, "\n") + "\necho 'went on'\n"}})
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + work, "DIALIN_CONFIG_DIR=" + work, "DIALIN_STATE_DIR=" + work,
		"DAILY_API_KEY=", "DAILY_API_URL=http://127.0.0.1:9", "NO_COLOR=1"}
	r := runScript(t, script, work, env, scriptTimeout)
	out := string(r.Output)
	if r.TimedOut || r.Err == nil || strings.Contains(out, "went on") || !strings.Contains(out, "no Daily API key") {
		t.Fatalf("timed out %v, err %v; the script should stop with serve's error; output:\n%s", r.TimedOut, r.Err, out)
	}
}
