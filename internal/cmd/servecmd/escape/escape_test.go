package escape

import "testing"

func TestQuoteAndPrintable(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{Quote("+15550001111", 64), `"+15550001111"`},
		{Quote("$(reboot)\n\x1b[2J", 64), `"$(reboot)\n\x1b[2J"`},
		{Quote("éééé", 3), `"é"…`},
		{Quote("a\u202eb", 64), `"a\u202eb"`},
		{Printable("sip:room.0@x", 64), "sip:room.0@x"},
		{Printable("abcdef", 3), "abc…"},
		{Printable("abc\xff", 10), `"abc\xff"`},
		{Printable("tab\there", 10), `"tab\there"`},
	} {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}
