package doctest

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// writtenFileRE finds the files a guide's sh block writes in the current directory: a
// redirection (> f, >> f), a heredoc target (cat > f) or an --env-file.
var writtenFileRE = regexp.MustCompile(`(?:>>?|--env-file)\s*([A-Za-z0-9_.-]+\.[A-Za-z0-9]+)\b`)

// TestFilesTheGuidesWriteAreIgnored: running the README tour or a guide from a checkout leaves
// its files (the emulator's key in emulator.env, route secrets, routes files, logs) in the
// working tree; each must be ignored by .gitignore, so none is committed by mistake.
func TestFilesTheGuidesWriteAreIgnored(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	var rootPatterns []string
	for _, line := range strings.Split(string(raw), "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "/"); ok && !strings.Contains(p, "/") {
			rootPatterns = append(rootPatterns, p)
		}
	}
	ignored := func(name string) bool {
		for _, p := range rootPatterns {
			if ok, _ := path.Match(p, name); ok {
				return true
			}
		}
		return false
	}
	seen := 0
	for _, file := range guideFiles(t) {
		text, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range extractBlocks(string(text)) {
			if b.Info != "sh" && b.Info != setupInfo {
				continue
			}
			for _, m := range writtenFileRE.FindAllStringSubmatch(b.Code, -1) {
				seen++
				if name := m[1]; !ignored(name) {
					t.Errorf("%s:%d writes %s in the checkout, and .gitignore does not ignore /%s", file, b.Line, name, name)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("found no file written by the guides: the pattern is wrong")
	}
}
