package layers

import (
	"fmt"
	"sort"
	"strings"
)

// Module is dialin's module path.
const Module = "github.com/dialin-project/dialin"

// Package is what the rules need of `go list -json`: a package and its direct imports
// (non-test files only, as in the binary).
type Package struct {
	ImportPath string
	Imports    []string
}

// terminalPackages are the CLI and terminal libraries that only the command layer may use.
var terminalPackages = []string{
	"github.com/spf13/cobra",
	"github.com/spf13/viper",
	"github.com/spf13/pflag",
	"github.com/charmbracelet/lipgloss",
	"github.com/muesli/termenv",
	"github.com/olekukonko/tablewriter",
	"golang.org/x/term",
	"github.com/mattn/go-isatty",
}

// commandLayer are the packages that parse flags and draw output.
var commandLayer = []string{
	Module + "/cmd/",
	Module + "/internal/cmd/",
	Module + "/internal/cli",
	Module + "/internal/cmdutil",
	Module + "/internal/iostreams",
	Module + "/internal/output",
	Module + "/internal/config",
}

func ours(p string) bool { return p == Module || strings.HasPrefix(p, Module+"/") }

func under(p string, prefixes ...string) bool {
	for _, pre := range prefixes {
		if p == strings.TrimSuffix(pre, "/") || strings.HasPrefix(p, strings.TrimSuffix(pre, "/")+"/") {
			return true
		}
	}
	return false
}

// stdlib reports whether an import path is the standard library's (no dot in its first
// element, as the go command decides).
func stdlib(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// Violations lists every import that breaks a floor, one line each, sorted.
func Violations(pkgs []Package) []string {
	var out []string
	bad := func(p Package, imp, rule string) {
		out = append(out, fmt.Sprintf("%s imports %s: %s", strings.TrimPrefix(p.ImportPath, Module+"/"), imp, rule))
	}
	for _, p := range pkgs {
		inPkg := under(p.ImportPath, Module+"/pkg")
		engine := inPkg || (under(p.ImportPath, Module+"/internal") && !under(p.ImportPath, commandLayer...))
		for _, imp := range p.Imports {
			switch {
			case under(p.ImportPath, Module+"/pkg/daily") && !under(p.ImportPath, Module+"/pkg/daily/dailytest") && ours(imp):
				bad(p, imp, "the Daily client imports nothing of dialin's")
			case p.ImportPath == Module+"/pkg/daily/dailytest" && !stdlib(imp):
				bad(p, imp, "the emulator imports only the standard library")
			case inPkg && under(imp, Module+"/internal"):
				bad(p, imp, "pkg/ never imports internal/")
			case engine && under(imp, terminalPackages...):
				bad(p, imp, "engines know no CLI or terminal package")
			case engine && under(imp, commandLayer...):
				bad(p, imp, "engines never import the command layer")
			}
		}
	}
	sort.Strings(out)
	return out
}
