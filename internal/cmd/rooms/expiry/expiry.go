// Package expiry reads the --exp flag of `rooms create` and `tokens create`: how long from
// now ("90m", "1h", "7d"), or an absolute time (Unix seconds, as Daily's exp is, or
// RFC 3339). It lives apart from both commands because both take the same value.
package expiry

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Never is the value that asks for no expiry at all.
const Never = "never"

// Parse turns value into an absolute time, durations counted from now. A bare number is a
// Unix time in seconds, never a duration: Daily's exp is one, and guessing would make
// "3600" mean two different things. It does not check that the time is in the future.
func Parse(value string, now time.Time) (time.Time, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return time.Time{}, errors.New("must not be empty (a duration such as 1h, a Unix time, or an RFC 3339 time)")
	}
	if isDigits(v) {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a Unix time in seconds", v)
		}
		return time.Unix(secs, 0).UTC(), nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok && isDigits(days) {
		n, err := strconv.Atoi(days)
		if err != nil || n > 100000 {
			return time.Time{}, fmt.Errorf("%q is too many days", v)
		}
		return now.Add(time.Duration(n) * 24 * time.Hour), nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return now.Add(d), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a duration (90m, 1h, 7d), a Unix time or an RFC 3339 time", v)
}

// Future parses value and checks that it lies after now and, when limit is not zero, less
// than limit ahead. The errors name the rule, not the flag; callers prefix the flag.
func Future(value string, now time.Time, limit time.Duration) (time.Time, error) {
	t, err := Parse(value, now)
	if err != nil {
		return time.Time{}, err
	}
	// Daily's exp has whole seconds: compare what will be sent, with now in seconds too.
	exp, nowSec := time.Unix(t.Unix(), 0), time.Unix(now.Unix(), 0)
	if !exp.After(nowSec) {
		msg := fmt.Sprintf("must be in the future, not %s", exp.UTC().Format(time.RFC3339))
		if isDigits(strings.TrimSpace(value)) {
			msg += " (a bare number is a Unix time; write 1h for one hour from now)"
		}
		return time.Time{}, errors.New(msg)
	}
	if limit > 0 && !exp.Before(nowSec.Add(limit)) {
		return time.Time{}, fmt.Errorf("must be less than %d days ahead, not %s", int(limit.Hours()/24), exp.UTC().Format(time.RFC3339))
	}
	return exp, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
