package dailytest

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The emulator ships in the dialin binary and is Daily's wire format written on its own: its
// code imports only the standard library, and not testing (New takes our TB instead).
func TestShippedCodeImportsOnlyTheStandardLibrary(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == "testing" || strings.Contains(strings.Split(path, "/")[0], ".") {
				t.Errorf("%s imports %s", f, path)
			}
		}
	}
}
