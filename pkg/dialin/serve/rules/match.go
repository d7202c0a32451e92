package rules

import (
	"fmt"
	"sort"
	"strings"
)

// Match returns the first rule in rs whose conditions all hold for c, else def (which may be
// nil: the call is then refused), and a one-line reason saying why, for logs and for
// `dialin routes explain`. Values from the call are quoted in the reason, since they are the
// caller's.
func Match(rs []Rule, def *Rule, c Call) (*Rule, string) {
	var misses []string
	for i := range rs {
		r := &rs[i]
		ok, why := r.Match.explain(c)
		if ok {
			return r, fmt.Sprintf("rule %q matches: %s", r.Name, why)
		}
		misses = append(misses, fmt.Sprintf("%s (%s)", r.Name, why))
	}
	switch {
	case def != nil && len(misses) == 0:
		return def, "no rules are configured; the default bot takes every call"
	case def != nil:
		return def, "no rule matches, so the default takes the call: " + strings.Join(misses, "; ")
	case len(misses) == 0:
		return nil, "no rules and no default are configured, so the call is refused"
	default:
		return nil, "no rule matches and there is no default, so the call is refused: " + strings.Join(misses, "; ")
	}
}

// Matches reports whether every condition of m holds for c.
func (m Matcher) Matches(c Call) bool {
	ok, _ := m.explain(c)
	return ok
}

func (m Matcher) explain(c Call) (bool, string) {
	if m.Empty() {
		return true, "it has no conditions"
	}
	var held []string
	if len(m.To) > 0 {
		p, ok := anyGlob(m.To, c.To)
		if !ok {
			return false, fmt.Sprintf("to %s matches none of %s", quote(c.To), strings.Join(m.To, ", "))
		}
		held = append(held, fmt.Sprintf("to %s matches %s", quote(c.To), p))
	}
	if len(m.From) > 0 {
		p, ok := anyGlob(m.From, c.From)
		if !ok {
			return false, fmt.Sprintf("from %s matches none of %s", quote(c.From), strings.Join(m.From, ", "))
		}
		held = append(held, fmt.Sprintf("from %s matches %s", quote(c.From), p))
	}
	names := make([]string, 0, len(m.SIPHeaders))
	for name := range m.SIPHeaders {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		pattern := m.SIPHeaders[name]
		v, present := header(c.SIPHeaders, name)
		if !present {
			return false, fmt.Sprintf("SIP header %s is absent", name)
		}
		if !Glob(pattern, v) {
			return false, fmt.Sprintf("SIP header %s %s does not match %s", name, quote(v), pattern)
		}
		held = append(held, fmt.Sprintf("SIP header %s %s matches %s", name, quote(v), pattern))
	}
	return true, strings.Join(held, ", ")
}

func anyGlob(patterns []string, s string) (string, bool) {
	for _, p := range patterns {
		if Glob(p, s) {
			return p, true
		}
	}
	return "", false
}

// header finds a SIP header by name without regard to case (SIP header names are
// case-insensitive).
func header(h map[string]string, name string) (string, bool) {
	if v, ok := h[name]; ok {
		return v, true
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// quote shows a caller-controlled value safely in one line: escaped, and shortened.
func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return fmt.Sprintf("%q", s)
}
