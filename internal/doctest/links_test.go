package doctest

import (
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// TestRelativeLinks checks that every relative link in README.md and docs/*.md points to a
// file or directory of the repository and, for a markdown file with a #fragment, to one of
// its headings.
func TestRelativeLinks(t *testing.T) {
	t.Parallel()
	checked := 0
	for _, file := range guideFiles(t) {
		text, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range extractLinks(string(text)) {
			if msg := checkLink(file, l.Target); msg != "" {
				t.Errorf("%s:%d: link %s: %s", file, l.Line, l.Target, msg)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no links found: the extraction is broken")
	}
}

// checkLink returns what is wrong with target, a link in file, or "".
func checkLink(file, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "not a URL: " + err.Error()
	}
	if u.Scheme != "" || u.Host != "" {
		return "" // an absolute URL: not checked (no network)
	}
	dest := file // a bare #fragment points into the file itself
	if u.Path != "" {
		if strings.HasPrefix(u.Path, "/") {
			return "absolute path: use a path relative to " + file
		}
		dest = path.Clean(path.Join(path.Dir(file), u.Path))
		if dest == ".." || strings.HasPrefix(dest, "../") {
			return "points outside the repository"
		}
	}
	info, err := os.Stat(filepath.Join(repoRoot, filepath.FromSlash(dest)))
	if err != nil {
		return dest + " does not exist"
	}
	if u.Fragment == "" || info.IsDir() || !strings.HasSuffix(dest, ".md") {
		return ""
	}
	text, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(dest)))
	if err != nil {
		return err.Error()
	}
	if !headingAnchors(string(text))[u.Fragment] {
		return dest + " has no heading #" + u.Fragment
	}
	return ""
}
