package serveconfig

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A DurationRange is the bounds of a duration setting, one rule whether the setting comes
// from the file or from serve's flag for it.
type DurationRange struct{ Lo, Hi time.Duration }

// The ranges of the duration settings that serve also takes as flags.
var (
	QueueTimeoutRange    = DurationRange{Lo: 0, Hi: MaxQueueTimeout}
	MaxCallDurationRange = DurationRange{Lo: MinMaxCallDuration, Hi: MaxMaxCallDuration}
)

// Violation says how d breaks the range, or "" when d is within it. A field is told in the
// file's words, "must be between 0s and 10m (got 11m)"; a flag (asFlag) as the user typed
// the bound and as Go prints the flag's value, "must be between 0 and 10m, got 11m0s".
func (r DurationRange) Violation(d time.Duration, asFlag bool) string {
	if d >= r.Lo && d <= r.Hi {
		return ""
	}
	if !asFlag {
		return fmt.Sprintf("must be between %s and %s (got %s)", ShortDuration(r.Lo), ShortDuration(r.Hi), ShortDuration(d))
	}
	lo := ShortDuration(r.Lo)
	if r.Lo == 0 {
		lo = "0"
	}
	return fmt.Sprintf("must be between %s and %s, got %s", lo, ShortDuration(r.Hi), d)
}

// A Choice is the words a setting takes, one rule whether the setting comes from the file
// or from a flag.
type Choice []string

// The choices of the settings that serve (and demo) also take as flags.
var (
	PatchChoice  = Choice{PatchBot, PatchServe}
	TokensChoice = Choice{TokensREST, TokensLocal, TokensAuto}
)

// Violation says how v breaks the choice, or "" when v is one of its words. A field is told
// in the file's words, `must be "bot" or "serve" (got "x")`; a flag (asFlag) with the words
// as typed, `must be bot or serve, got "x"`.
func (ch Choice) Violation(v string, asFlag bool) string {
	if slices.Contains(ch, v) {
		return ""
	}
	words := make([]string, len(ch))
	for i, w := range ch {
		words[i] = w
		if !asFlag {
			words[i] = strconv.Quote(w)
		}
	}
	list := words[len(words)-1]
	if len(words) > 1 {
		list = strings.Join(words[:len(words)-1], ", ") + " or " + list
	}
	if asFlag {
		return fmt.Sprintf("must be %s, got %q", list, v)
	}
	return fmt.Sprintf("must be %s (got %q)", list, v)
}

// ShortDuration prints a duration without zero units: 5m rather than 5m0s.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
