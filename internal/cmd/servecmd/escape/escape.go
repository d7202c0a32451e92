// Package escape makes values that come from callers (From, To, SIP headers, reasons that
// quote them) safe to print on a terminal: escaped like Go's %q and cut, so that a From of
// "\x1b[2J" or "a\nb" can neither drive the terminal nor fake a line of output.
package escape

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote escapes s like %q, cut to at most max bytes first (on a character boundary; "…"
// after the quotes says it was cut).
func Quote(s string, max int) string {
	cut := false
	if len(s) > max {
		s, cut = truncate(s, max), true
	}
	q := strconv.Quote(s)
	if cut {
		q += "…"
	}
	return q
}

// Printable returns s as it is when every character is printable, else quoted like %q;
// either way cut to max bytes.
func Printable(s string, max int) string {
	clean := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || r == utf8.RuneError }) < 0
	if !clean {
		return Quote(s, max)
	}
	if len(s) > max {
		return truncate(s, max) + "…"
	}
	return s
}

func truncate(s string, max int) string {
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}
