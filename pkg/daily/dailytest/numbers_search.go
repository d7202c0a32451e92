package dailytest

import (
	"net/http"
	"strings"
)

// maxSearchResults caps one GET /list-available-numbers answer. Daily does not document a page
// size for this search (and it takes no cursor); total_count is the size of the answer.
const maxSearchResults = 20

type numberFilter struct {
	areacode, region, city         string
	contains, startsWith, endsWith string
}

// parseNumberFilter applies Daily's filter rules (reference §2.1) and answers 400 on a bad mix.
func parseNumberFilter(r *http.Request) (numberFilter, *apiError) {
	q := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	f := numberFilter{
		areacode: get("areacode"), region: strings.ToUpper(get("region")), city: get("city"),
		contains: get("contains"), startsWith: get("starts_with"), endsWith: get("ends_with"),
	}
	if f.areacode != "" && (len(f.areacode) != 3 || !allDigits(f.areacode)) {
		return f, badRequest("areacode must be 3 digits")
	}
	if f.region != "" && (len(f.region) != 2 || !allLetters(f.region)) {
		return f, badRequest("region must be a 2-letter ISO 3166-2 code such as CA")
	}
	patterns := 0
	for _, p := range []struct{ name, v string }{{"contains", f.contains}, {"starts_with", f.startsWith}, {"ends_with", f.endsWith}} {
		if p.v == "" {
			continue
		}
		patterns++
		if len(p.v) < 3 || len(p.v) > 7 || !allDigits(p.v) {
			return f, badRequest("%s must be 3 to 7 digits", p.name)
		}
	}
	if patterns > 1 {
		return f, badRequest("starts_with, contains and ends_with cannot be combined; use one of them")
	}
	if f.region != "" && f.areacode != "" {
		return f, badRequest("region cannot be combined with areacode")
	}
	if f.city != "" {
		if f.region == "" {
			return f, badRequest("city requires region")
		}
		for _, p := range []struct{ name, v string }{{"areacode", f.areacode}, {"starts_with", f.startsWith}, {"contains", f.contains}, {"ends_with", f.endsWith}} {
			if p.v != "" {
				return f, badRequest("city cannot be combined with %s", p.name)
			}
		}
	}
	return f, nil
}

// matches: areacode and starts_with look at the national number (after +1); starts_with also
// accepts the full digit string with the country code, contains/ends_with the full digits.
func (f numberFilter) matches(a availableNumber) bool {
	digits := strings.TrimPrefix(a.number, "+")
	national := strings.TrimPrefix(a.number, "+1")
	switch {
	case f.areacode != "" && !strings.HasPrefix(national, f.areacode):
		return false
	case f.region != "" && a.region != f.region:
		return false
	case f.city != "" && !strings.EqualFold(a.city, f.city):
		return false
	case f.contains != "" && !strings.Contains(digits, f.contains):
		return false
	case f.startsWith != "" && !strings.HasPrefix(national, f.startsWith) && !strings.HasPrefix(digits, f.startsWith):
		return false
	case f.endsWith != "" && !strings.HasSuffix(digits, f.endsWith):
		return false
	}
	return true
}

type availableNumberJSON struct {
	PhoneNumber string `json:"phoneNumber"`
	Region      string `json:"region"`
}

// listAvailableNumbers is GET /list-available-numbers. Items use docs.daily.co's
// {"phoneNumber","region"} (Pipecat's docs say "number"; the client accepts both).
func (s *Server) listAvailableNumbers(r *http.Request, _ []string) (any, *apiError) {
	f, e := parseNumberFilter(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	data := []availableNumberJSON{}
	for _, a := range s.inventory {
		if len(data) == maxSearchResults {
			break
		}
		if f.matches(a) {
			data = append(data, availableNumberJSON{PhoneNumber: a.number, Region: a.region})
		}
	}
	return map[string]any{"total_count": len(data), "data": data}, nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func allLetters(s string) bool {
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return s != ""
}

// validE164 accepts +, a non-zero digit, then 6 to 14 more digits.
func validE164(n string) bool {
	return len(n) >= 8 && len(n) <= 16 && n[0] == '+' && n[1] != '0' && allDigits(n[1:])
}
