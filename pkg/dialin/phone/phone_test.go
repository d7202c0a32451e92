package phone

import (
	"errors"
	"testing"
)

func TestNormalizeAcceptsEveryCommonSpelling(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, region, want string }{
		{"+1 (415) 555-0100", "", "+14155550100"},
		{"14155550100", "", "+14155550100"},
		{"14155550100", "US", "+14155550100"},
		{"4155550100", "US", "+14155550100"},
		{"4155550100", "us", "+14155550100"},
		{"+14155550100", "", "+14155550100"},
		{"  +14155550100\t", "", "+14155550100"},
		{"+1-415-555-0100", "", "+14155550100"},
		{"+44 20 7183 8750", "", "+442071838750"},
		{"020 7183 8750", "GB", "+442071838750"},
		{"+15555550100", "", "+15555550100"}, // fictional range: well-formed E.164 passes as is
	}
	for _, c := range cases {
		got, err := Normalize(c.in, c.region)
		if err != nil || got != c.want {
			t.Errorf("Normalize(%q, %q) = %q, %v; want %q", c.in, c.region, got, err, c.want)
		}
	}
}

func TestNormalizeRefusesWithClearErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, region, want string }{
		{"abc", "US", `phone number "abc": not a valid E.164 number (expected like +14155550100)`},
		{"", "US", "phone number is empty (expected like +14155550100)"},
		{"4155550100", "", `phone number "4155550100": not a valid E.164 number; give the country code with a leading + (expected like +14155550100)`},
		{"+1415555010", "", `phone number "+1415555010": not a valid E.164 number (wrong number of digits) (expected like +14155550100)`},
		{"+1 415 555 0100 ext 5", "", `phone number "+1 415 555 0100 ext 5": an extension cannot be part of a dial-in number (expected like +14155550100)`},
		{"12", "US", `phone number "12": not a valid E.164 number (wrong number of digits) (expected like +14155550100)`},
	}
	for _, c := range cases {
		got, err := Normalize(c.in, c.region)
		var pe *Error
		if err == nil || !errors.As(err, &pe) {
			t.Errorf("Normalize(%q) = %q, %v; want *Error", c.in, got, err)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("Normalize(%q) error\n got %s\nwant %s", c.in, err, c.want)
		}
	}
}

func TestIsE164(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"+14155550100": true, "+442071838750": true, "+1415555010": false, "14155550100": false,
		"+04155550100": false, "+1415555010a": false, "+": false, "+493012345678901": true, "+123456789012345": false,
		"+4930123456789012": false,
	} {
		if IsE164(s) != want {
			t.Errorf("IsE164(%q) = %v, want %v", s, !want, want)
		}
	}
}

func TestDisplayAndEqual(t *testing.T) {
	t.Parallel()
	if got := Display("+14155550100"); got != "+1 415-555-0100" {
		t.Errorf("Display = %q", got)
	}
	if got := Display("not a number"); got != "not a number" {
		t.Errorf("Display of garbage = %q", got)
	}
	if !Equal("+1 (415) 555-0100", "14155550100") || !Equal("+14155550100", "+1-415-555-0100") {
		t.Error("Equal should match spellings of one number")
	}
	if Equal("+14155550100", "+14155550101") || Equal("abc", "abd") || !Equal("abc", " abc ") {
		t.Error("Equal matched different numbers or mishandled non-numbers")
	}
}

func BenchmarkNormalizeE164(b *testing.B) {
	for b.Loop() {
		_, _ = Normalize("+14155550100", "")
	}
}

func BenchmarkNormalizeFormatted(b *testing.B) {
	for b.Loop() {
		_, _ = Normalize("+1 (415) 555-0100", "")
	}
}
