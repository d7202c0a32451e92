package serveconfig

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in the configuration: where, which field, and the rule broken.
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		if loc == "" {
			loc = "line"
		}
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
	}
	switch {
	case loc != "" && e.Field != "":
		return loc + ": " + e.Field + ": " + e.Msg
	case loc != "":
		return loc + ": " + e.Msg
	case e.Field != "":
		return e.Field + ": " + e.Msg
	}
	return e.Msg
}

// Errors is every problem found in a configuration, flag-set fields first, then in the
// order of the file's lines. Its message is one line (the first problem, and how many more);
// range over it to show them all, one per line.
type Errors []*Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no problems"
	case 1:
		return es[0].Error()
	}
	return fmt.Sprintf("%s (and %d more %s)", es[0].Error(), len(es)-1, plural(len(es)-1, "problem"))
}

// Unwrap lets errors.As find the first *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Lines is each problem on a line of its own.
func (es Errors) Lines() string {
	var sb strings.Builder
	for _, e := range es {
		sb.WriteString(e.Error())
		sb.WriteByte('\n')
	}
	return sb.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// ordered puts the problems in the order Errors promises: those about fields a flag set,
// then the file's own (unknown fields, wrong types) as read, then the rules broken, by line.
func ordered(flagged, parsed, checked []*Error) Errors {
	slices.SortStableFunc(checked, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	return Errors(slices.Concat(flagged, parsed, checked))
}
