package doctest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// invocation is a dialin command line shown in a guide or a deploy file.
type invocation struct {
	Where string   // file:line
	Args  []string // the words after "dialin", up to the end of the command
}

// scannedInfos are the code blocks whose dialin commands are checked: shell sessions and the
// files that start dialin. sh blocks also run (TestGuides); this check also names the
// command and flag at fault.
var scannedInfos = map[string]bool{
	"sh": true, "shell": true, "bash": true, "console": true, "ini": true, "dockerfile": true, "yaml": true,
}

var (
	// dialinRE finds "dialin" as a program: a word, or the last element of a path.
	dialinRE          = regexp.MustCompile(`(?:^|[\s|;&(` + "`" + `'"])((?:[^\s|;&(` + "`" + `'"]*/)?dialin)(?:\s|$)`)
	envAssignRE       = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=\S*$`)
	codeSpanContentRE = regexp.MustCompile("`([^`]+)`")
)

// commandPrefixes are words after which the next word is a command.
var commandPrefixes = map[string]bool{
	"": true, "exec": true, "sudo": true, "time": true, "xargs": true, "-n1": true, "run:": true,
	"-": true, "$": true, "then": true, "do": true, "else": true, "!": true,
}

// findInvocations returns the dialin commands in text (one code block, or one line of
// prose code), line numbers counted from firstLine.
func findInvocations(where string, firstLine int, text string) []invocation {
	var out []invocation
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line, n := lines[i], firstLine+i
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) { // a continued command
			i++
			line = strings.TrimSuffix(line, "\\") + " " + lines[i]
		}
		for _, m := range dialinRE.FindAllStringSubmatchIndex(line, -1) {
			start, end := m[2], m[3]
			before := line[:start]
			quote := byte(0)
			if start > 0 && (line[start-1] == '\'' || line[start-1] == '"') {
				quote = line[start-1]
				before = line[:start-1]
			}
			if quote == 0 && !atCommandPosition(before) { // a quoted "dialin …" is a command line
				continue
			}
			out = append(out, invocation{Where: fmt.Sprintf("%s:%d", where, n), Args: shellWords(line[end:], quote)})
		}
	}
	return out
}

// atCommandPosition reports whether a command may start right after before.
func atCommandPosition(before string) bool {
	t := strings.TrimRight(before, " \t")
	if t == "" || strings.HasSuffix(t, "$(") || strings.ContainsAny(t[len(t)-1:], "|;&(`") {
		return true
	}
	words := strings.Fields(t)
	last := words[len(words)-1]
	return commandPrefixes[last] || envAssignRE.MatchString(last) || strings.HasSuffix(last, "=$(")
}

// shellWords splits s into words as a shell would, up to the end of the command (an
// unquoted | ; & < > ) # or backtick, or the closing quote when the command started inside
// quotes). Quoted text is kept as written, without its quotes.
func shellWords(s string, quote byte) []string {
	var (
		words []string
		cur   strings.Builder
		in    bool
	)
	flush := func() {
		if in {
			words = append(words, cur.String())
			cur.Reset()
			in = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			flush()
			return words
		case c == ' ' || c == '\t':
			flush()
		case quote == 0 && (c == '\'' || c == '"'):
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				j = len(s) - i - 1
			}
			cur.WriteString(s[i+1 : i+1+j])
			i, in = i+1+j, true
		case c == '$' && i+1 < len(s) && s[i+1] == '(':
			depth, j := 0, i+1
			for ; j < len(s); j++ {
				if s[j] == '(' {
					depth++
				} else if s[j] == ')' {
					if depth--; depth == 0 {
						break
					}
				}
			}
			cur.WriteString(s[i:min(j+1, len(s))])
			i, in = j, true
		case strings.IndexByte("|;&<>)`", c) >= 0, c == '#' && !in:
			flush()
			return words
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	flush()
	return words
}

// dockerInvocations returns the dialin command of a Dockerfile's last stage: its ENTRYPOINT
// and CMD in exec (JSON) form.
func dockerInvocations(where string, firstLine int, text string) []invocation {
	var entry, cmd []string
	entryLine := firstLine
	for i, line := range strings.Split(text, "\n") {
		kw, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch strings.ToUpper(kw) {
		case "FROM":
			entry, cmd = nil, nil
		case "ENTRYPOINT", "CMD":
			var argv []string
			if json.Unmarshal([]byte(rest), &argv) != nil {
				continue // shell form: the line scanner sees it
			}
			if strings.EqualFold(kw, "CMD") {
				cmd = argv
			} else {
				entry, entryLine = argv, firstLine+i
			}
		}
	}
	argv := append(append([]string(nil), entry...), cmd...)
	for i, a := range argv {
		if filepath.Base(a) == "dialin" {
			return []invocation{{Where: fmt.Sprintf("%s:%d", where, entryLine), Args: argv[i+1:]}}
		}
	}
	return nil
}

// shownInvocations returns every dialin command of the guides (code blocks and inline code)
// and of the deploy files.
func shownInvocations(t *testing.T) []invocation {
	t.Helper()
	var out []invocation
	for _, file := range guideFiles(t) {
		text, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range extractBlocks(string(text)) {
			switch {
			case b.Info == "dockerfile":
				out = append(out, dockerInvocations(file, b.Line, b.Code)...)
				out = append(out, findInvocations(file, b.Line, b.Code)...)
			case scannedInfos[b.Info] || b.Info == setupInfo:
				out = append(out, findInvocations(file, b.Line, b.Code)...)
			}
		}
		for i, line := range strings.Split(string(text), "\n") {
			for _, m := range codeSpanContentRE.FindAllStringSubmatch(line, -1) {
				if strings.HasPrefix(m[1], "dialin ") {
					out = append(out, findInvocations(file, i+1, m[1])...)
				}
			}
		}
	}
	for _, f := range deployFiles(t) {
		text, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(f) == "Dockerfile" {
			out = append(out, dockerInvocations(f, 1, string(text))...)
		}
		out = append(out, findInvocations(f, 1, string(text))...)
	}
	return out
}

// TestShownCommandsExist checks every dialin command the guides and deploy files show,
// including those that cannot run in the tests (they need a server, a real account, a
// container): each subcommand exists and each flag is one that command has.
func TestShownCommandsExist(t *testing.T) {
	t.Parallel()
	invs := shownInvocations(t)
	if len(invs) < 50 {
		t.Fatalf("found only %d dialin commands in the guides: the scanner is broken", len(invs))
	}
	t.Logf("%d dialin commands", len(invs))
	h := helpCache{}
	for _, inv := range invs {
		msg, err := h.check(inv)
		if err != nil {
			t.Fatal(err)
		}
		if msg != "" {
			t.Errorf("%s: dialin %s: %s", inv.Where, strings.Join(inv.Args, " "), msg)
		}
	}
}
