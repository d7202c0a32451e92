package rules

import "strings"

// NeverMatching is a To or From pattern of a matcher that cannot match a number as Daily sends it.
type NeverMatching struct {
	Field   string // "to" or "from"
	Pattern string
}

// NeverMatching lists the To and From patterns that start with a digit. Daily sends numbers in
// E.164, which starts with +, so "415555*" never matches "+1415555…": the rule silently never
// fires. Patterns starting with *, ? or +, and SIP-style ones (containing @ or sip:), are fine.
func (m Matcher) NeverMatching() []NeverMatching {
	var out []NeverMatching
	for _, f := range []struct {
		name     string
		patterns []string
	}{{"to", m.To}, {"from", m.From}} {
		for _, p := range f.patterns {
			if startsWithDigit(p) && !strings.Contains(p, "@") && !strings.Contains(p, "sip:") {
				out = append(out, NeverMatching{Field: f.name, Pattern: p})
			}
		}
	}
	return out
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }
