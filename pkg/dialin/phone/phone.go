// Package phone turns the ways people write telephone numbers into E.164, the form Daily
// stores, so that "+1 (415) 555-0100", "14155550100" and "+14155550100" compare equal.
//
// Normalize accepts a string that is already E.164 as it is, without consulting
// libphonenumber's metadata: Daily sold the number and stores it in that form, and the
// metadata lags newly assigned ranges (fictional 555 numbers, for one, are "possible" but not
// "valid"). Every other spelling is parsed with github.com/nyaruka/phonenumbers and must be a
// possible number for its country; extensions are refused because a pinless route cannot
// dial one.
package phone

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Example is the number shown in error messages as the expected shape.
const Example = "+14155550100"

// Error is returned for input that is not a telephone number.
type Error struct {
	Input  string // what was given, trimmed
	Reason string // why it was refused
}

func (e *Error) Error() string {
	if e.Input == "" {
		return "phone number is empty (expected like " + Example + ")"
	}
	return fmt.Sprintf("phone number %q: %s (expected like %s)", e.Input, e.Reason, Example)
}

const notE164 = "not a valid E.164 number"

// IsE164 reports whether s is already written as E.164: a plus, a country code that does not
// start with 0, and 8 to 15 digits in all (11 for the North American +1 plan).
func IsE164(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	// +1 numbers are the ones Daily sells; their fixed length catches a dropped digit cheaply.
	return s[1] != '1' || len(s) == 12
}

// Normalize returns input as E.164. defaultRegion (ISO 3166-1 alpha-2, such as "US") is used
// for numbers written without a country code; with no region, a digit string that becomes a
// valid number once a "+" is put in front ("14155550100") is taken as international.
func Normalize(input, defaultRegion string) (string, error) {
	s := strings.TrimSpace(input)
	if IsE164(s) {
		return s, nil
	}
	if s == "" {
		return "", &Error{}
	}
	if !strings.ContainsAny(s, "0123456789") {
		return "", &Error{Input: s, Reason: notE164}
	}
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	n, err := phonenumbers.Parse(s, region)
	if err != nil && region == "" && !strings.HasPrefix(s, "+") {
		n, err = phonenumbers.Parse("+"+s, "")
		if err == nil && !phonenumbers.IsValidNumber(n) {
			err = errors.New("not valid with a plus")
		}
	}
	if err != nil {
		if region == "" && !strings.HasPrefix(s, "+") {
			return "", &Error{Input: s, Reason: notE164 + "; give the country code with a leading +"}
		}
		return "", &Error{Input: s, Reason: notE164}
	}
	if n.GetExtension() != "" {
		return "", &Error{Input: s, Reason: "an extension cannot be part of a dial-in number"}
	}
	if !phonenumbers.IsPossibleNumber(n) {
		return "", &Error{Input: s, Reason: notE164 + " (wrong number of digits)"}
	}
	out := phonenumbers.Format(n, phonenumbers.E164)
	if !IsE164(out) {
		return "", &Error{Input: s, Reason: notE164}
	}
	return out, nil
}

// Display formats an E.164 number for people, in international format ("+1 415-555-0100").
// Input that does not parse is returned unchanged.
func Display(e164 string) string {
	n, err := phonenumbers.Parse(strings.TrimSpace(e164), "")
	if err != nil {
		return e164
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

// Equal reports whether a and b are the same number. Strings that are not numbers are equal
// only when they are identical after trimming.
func Equal(a, b string) bool {
	na, errA := Normalize(a, "")
	nb, errB := Normalize(b, "")
	if errA == nil && errB == nil {
		return na == nb
	}
	return strings.TrimSpace(a) == strings.TrimSpace(b)
}
