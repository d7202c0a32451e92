package launch

import (
	"errors"
	"fmt"
	"strings"
)

// Split breaks a command line into arguments the way a POSIX shell tokenises words, without
// running or expanding anything: blanks separate arguments; '…' keeps everything literal;
// "…" keeps everything literal except \" \\ \$ and \` (a backslash before anything else
// stays); outside quotes a backslash makes the next character literal and a backslash-newline
// joins lines. Characters a shell would act on (| & ; < > ( ) $ ` and a leading ~) are refused
// unless quoted or escaped, since serve runs no shell and silently passing them on would
// surprise; quote them to pass them literally, or put the pipeline in a script.
func Split(line string) ([]string, error) {
	var (
		args    []string
		cur     strings.Builder
		inWord  bool
		rs      = []rune(line)
		quoteAt int
	)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '\\':
			if i+1 >= len(rs) {
				return nil, errors.New("ends with a lone backslash")
			}
			i++
			if rs[i] == '\n' {
				continue // line continuation
			}
			cur.WriteRune(rs[i])
			inWord = true
		case r == '\'':
			quoteAt = i
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				j++
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("single quote at character %d is never closed", quoteAt+1)
			}
			cur.WriteString(string(rs[i+1 : j]))
			i, inWord = j, true
		case r == '"':
			quoteAt = i
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) && strings.ContainsRune("\"\\$`\n", rs[j+1]) {
					j++
					if rs[j] != '\n' {
						cur.WriteRune(rs[j])
					}
					continue
				}
				cur.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("double quote at character %d is never closed", quoteAt+1)
			}
			i, inWord = j, true
		case strings.ContainsRune("|&;<>()$`", r):
			return nil, fmt.Errorf("unquoted %q at character %d: serve runs no shell (no pipes, redirections or variables); quote it to pass it literally, or use a script", r, i+1)
		case r == '~' && !inWord:
			return nil, fmt.Errorf("unquoted ~ at character %d: serve expands nothing; write the full path", i+1)
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		args = append(args, cur.String())
	}
	if len(args) == 0 {
		return nil, errors.New("the command is empty")
	}
	return args, nil
}
