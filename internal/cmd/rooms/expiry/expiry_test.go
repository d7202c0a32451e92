package expiry

import (
	"testing"
	"time"
)

var now = time.Date(2026, 3, 14, 9, 26, 53, 500_000_000, time.UTC)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"90m", now.Add(90 * time.Minute)},
		{" 1h ", now.Add(time.Hour)},
		{"1h30m", now.Add(90 * time.Minute)},
		{"7d", now.Add(7 * 24 * time.Hour)},
		{"-1h", now.Add(-time.Hour)},
		{"1773484013", time.Unix(1773484013, 0).UTC()},
		{"2026-03-14T10:00:00+01:00", time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)},
	} {
		got, err := Parse(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "soon", "1w", "d", "1.5d", "99999999999999999999", "100001d"} {
		if _, err := Parse(in, now); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}

func TestFuture(t *testing.T) {
	got, err := Future("1h", now, 0)
	// Whole seconds, as Daily's exp: the half second is dropped.
	if err != nil || got.Unix() != now.Unix()+3600 || got.Nanosecond() != 0 {
		t.Fatalf("Future(1h) = %v, %v", got, err)
	}
	if _, err := Future("364d", now, 365*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		in    string
		limit time.Duration
		msg   string
	}{
		{"0s", 0, "must be in the future, not 2026-03-14T09:26:53Z"},
		{"1s", 0, ""}, // accepted
		{"60", 0, "must be in the future, not 1970-01-01T00:01:00Z (a bare number is a Unix time; write 1h for one hour from now)"},
		{"365d", 365 * 24 * time.Hour, "must be less than 365 days ahead, not 2027-03-14T09:26:53Z"},
	} {
		_, err := Future(tt.in, now, tt.limit)
		switch {
		case tt.msg == "" && err != nil:
			t.Errorf("Future(%q) = %v", tt.in, err)
		case tt.msg != "" && (err == nil || err.Error() != tt.msg):
			t.Errorf("Future(%q) error = %v, want %q", tt.in, err, tt.msg)
		}
	}
}
