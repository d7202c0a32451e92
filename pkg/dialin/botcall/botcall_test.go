package botcall_test

import (
	"strings"
	"testing"

	"github.com/dialin-project/dialin/pkg/dialin/botcall"
)

func TestReadCallTakesTheFirstLine(t *testing.T) {
	t.Parallel()
	in := `{"room_url":"https://d.daily.co/call-1","token":"tok","call_id":"c1","call_domain":"d1","sip_uri":"call-1.0@d.sip.daily.co",` +
		`"from":"+15550001111","to":"+14155550100","sip_headers":{"X-A":"$(rm -rf /)"},"extra":true}` + "\n" + "not json\n"
	c, err := botcall.Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := botcall.Call{RoomURL: "https://d.daily.co/call-1", Token: "tok", CallID: "c1", CallDomain: "d1",
		SIPURI: "call-1.0@d.sip.daily.co", From: "+15550001111", To: "+14155550100", SIPHeaders: map[string]string{"X-A": "$(rm -rf /)"}}
	if c.RoomURL != want.RoomURL || c.Token != want.Token || c.CallID != want.CallID || c.CallDomain != want.CallDomain ||
		c.SIPURI != want.SIPURI || c.From != want.From || c.To != want.To || c.SIPHeaders["X-A"] != "$(rm -rf /)" {
		t.Fatalf("got %+v", c)
	}
	// Without a trailing newline the line still counts.
	if _, err := botcall.Read(strings.NewReader(strings.TrimSuffix(strings.Split(in, "\n")[0], "\n"))); err != nil {
		t.Fatal(err)
	}
}

func TestReadCallRejectsMalformedLines(t *testing.T) {
	t.Parallel()
	full := `"room_url":"https://d.daily.co/r","token":"t","call_id":"c","call_domain":"d","sip_uri":"s"`
	cases := map[string]string{
		"":                                     "empty",
		"\n{" + full + "}\n":                   "empty",
		"[1,2]\n":                              "must be a JSON object",
		`{"room_url":` + "\n":                  "not valid JSON",
		`{` + full + `} {}` + "\n":             "more than one JSON value",
		`{` + full + `,"token":5}`:             "token must be a string",
		`{` + full + `,"sip_headers":{"a":1}}`: "sip_headers must be a JSON object of strings",
		`{` + full + `,"call_id":""}`:          "call_id is required",
		`{` + strings.Replace(full, `"sip_uri":"s"`, `"sip_uri":" "`, 1) + `}`:              "sip_uri is required",
		`{` + strings.Replace(full, "https://d.daily.co/r", "https://d.daily.co/", 1) + `}`: "room_url must end in a room name",
		`{` + strings.Replace(full, "https://d.daily.co/r", "d.daily.co/r", 1) + `}`:        "room_url must be an absolute",
		`{` + strings.Replace(full, `"t"`, `"`+strings.Repeat("x", 1<<20)+`"`, 1) + "}\n":   "longer than",
	}
	for in, want := range cases {
		_, err := botcall.Read(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%.60q: err %v, want %q", in, err, want)
		}
	}
}

// What serve writes (JSON) is what a bot reads (Read), byte for byte in every field.
func TestJSONIsWhatReadReads(t *testing.T) {
	c := botcall.Call{RoomURL: "https://d.daily.co/call-1", Token: "tok", CallID: "c1", CallDomain: "d1", SIPURI: "s@x",
		From: "'; rm -rf / #\n$(id)", To: "+14155550100\u2028", SIPHeaders: map[string]string{"X-A": "<&>"}}
	line := c.JSON()
	if n := strings.Count(string(line), "\n"); n != 1 || line[len(line)-1] != '\n' {
		t.Fatalf("%d newlines in %q, want one at the end", n, line)
	}
	got, err := botcall.Read(strings.NewReader(string(line) + "next"))
	if err != nil || got.From != c.From || got.To != c.To || got.SIPHeaders["X-A"] != "<&>" || got.Values()["call_domain"] != "d1" {
		t.Fatalf("read %+v, %v", got, err)
	}
	if empty := (botcall.Call{}).JSON(); !strings.Contains(string(empty), `"sip_headers":{}`) {
		t.Fatalf("no headers must be an empty object: %s", empty)
	}
}
