package launch

import (
	"fmt"
	"strings"
)

// Placeholders are the names a bot command may use, each written {name} inside an argument.
var Placeholders = []string{"room_url", "token", "call_id", "call_domain", "sip_uri", "from", "to"}

// Template is a bot command split into arguments, with placeholders found once.
type Template struct {
	args [][]segment
}

// segment is literal text, or (name != "") a placeholder.
type segment struct {
	text, name string
}

// ParseTemplate splits a command line (Split) and finds its placeholders. An unknown
// {name} is an error, so a typo such as {roomurl} is caught at start-up rather than
// passed to the bot; a placeholder in the program name is refused (the program is fixed).
func ParseTemplate(command string) (*Template, error) {
	argv, err := Split(command)
	if err != nil {
		return nil, err
	}
	return TemplateFromArgs(argv)
}

// TemplateFromArgs is ParseTemplate for arguments that are already split.
func TemplateFromArgs(argv []string) (*Template, error) {
	if len(argv) == 0 || argv[0] == "" {
		return nil, fmt.Errorf("the command is empty")
	}
	t := &Template{}
	for i, a := range argv {
		segs, err := parseArg(a)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		if i == 0 && (len(segs) != 1 || segs[0].name != "") {
			return nil, fmt.Errorf("the program name %q must not contain a placeholder", a)
		}
		t.args = append(t.args, segs)
	}
	return t, nil
}

func parseArg(a string) ([]segment, error) {
	var segs []segment
	lit := 0
	for i := 0; i < len(a); i++ {
		if a[i] != '{' {
			continue
		}
		end := strings.IndexByte(a[i:], '}')
		if end < 0 {
			break
		}
		name := a[i+1 : i+end]
		if !isIdent(name) {
			continue // {"json": 1} and the like stay literal
		}
		if !known(name) {
			return nil, fmt.Errorf("unknown placeholder {%s}; known: {%s}", name, strings.Join(Placeholders, "} {"))
		}
		if i > lit {
			segs = append(segs, segment{text: a[lit:i]})
		}
		segs = append(segs, segment{name: name})
		i += end
		lit = i + 1
	}
	if lit < len(a) || len(segs) == 0 {
		segs = append(segs, segment{text: a[lit:]})
	}
	return segs, nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func known(name string) bool {
	for _, p := range Placeholders {
		if p == name {
			return true
		}
	}
	return false
}

// Program is the first argument: the program to run.
func (t *Template) Program() string { return t.args[0][0].text }

// Uses reports whether any argument contains the placeholder name.
func (t *Template) Uses(name string) bool {
	for _, segs := range t.args {
		for _, s := range segs {
			if s.name == name {
				return true
			}
		}
	}
	return false
}

// Expand returns the arguments for one call. Each placeholder is replaced by its value in a
// single pass: a value is never scanned again, so a From of "{token}" stays that text, and
// a value with blanks, quotes or newlines stays inside its one argument.
func (t *Template) Expand(c CallInfo) []string {
	vals := c.Values()
	out := make([]string, len(t.args))
	for i, segs := range t.args {
		var b strings.Builder
		for _, s := range segs {
			if s.name == "" {
				b.WriteString(s.text)
			} else {
				b.WriteString(argSafe(vals[s.name]))
			}
		}
		out[i] = b.String()
	}
	return out
}

// argSafe drops NUL bytes, which no argument or environment value can carry (the exec would
// fail and the call be lost); the JSON line on stdin keeps the value exactly.
func argSafe(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "")
}
