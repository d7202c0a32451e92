package webhook

import (
	"strings"
	"testing"
)

func TestDecodeCall(t *testing.T) {
	t.Parallel()
	hostile := "$(rm -rf /); `id` | tee x && echo 'pwned' \"" + strings.Repeat("A", 5000)
	body := `{"To":"+14155550100","From":` + quote(hostile) + `,"callId":"0b7c-11","callDomain":"dom-1","sipHeaders":{"X-A":"1","X-N":7}}`
	c, test, err := DecodeCall([]byte(body))
	if err != nil || test {
		t.Fatalf("DecodeCall: %v test=%v", err, test)
	}
	if c.From != hostile || c.To != "+14155550100" || c.CallID != "0b7c-11" || c.CallDomain != "dom-1" {
		t.Fatalf("decoded %+v", c)
	}
	if c.SIPHeaders["X-A"] != "1" || c.SIPHeaders["X-N"] != "7" {
		t.Fatalf("headers %v", c.SIPHeaders)
	}
}

func TestDecodeCallTestBodies(t *testing.T) {
	t.Parallel()
	for _, b := range []string{`{"Test":"test"}`, `{"test":"test"}`, `{"To":"+14155550100"}`, `{"Test":"test","To":"+14155550100"}`} {
		c, test, err := DecodeCall([]byte(b))
		if err != nil || !test || c != nil {
			t.Errorf("%s: call=%v test=%v err=%v", b, c, test, err)
		}
	}
}

func TestDecodeCallRejects(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`[]`:                                 "not a JSON object",
		`nope`:                               "not a JSON object",
		`{"callId":"a","callDomain":"b"} {}`: "trailing data",
		`{"callId":1,"callDomain":"b"}`:      "field callId: must be a string",
		`{"callId":"a"}`:                     "field callDomain: required",
		`{"callId":"a b","callDomain":"b"}`:  "field callId: only letters",
		`{"callId":"a","callDomain":"b","sipHeaders":[1]}`:               "field sipHeaders",
		`{"callId":"a","callDomain":"b","From":{"x":1}}`:                 "field From: must be a string",
		`{"callId":"` + strings.Repeat("a", 200) + `","callDomain":"b"}`: "longer than",
		// Control characters are refused in To, From and SIP headers, one rule everywhere.
		`{"callId":"a","callDomain":"b","From":"+1555\u0000111"}`:           "field From: control character U+0000",
		`{"callId":"a","callDomain":"b","To":"+1415\n5550100"}`:             "field To: control character U+000A",
		`{"callId":"a","callDomain":"b","From":"+1555\u0085"}`:              "field From: control character U+0085",
		`{"callId":"a","callDomain":"b","sipHeaders":{"X-A":"v\u001b[2J"}}`: "field sipHeaders.X-A: control character U+001B",
		`{"callId":"a","callDomain":"b","sipHeaders":{"X-\u0000A":"v"}}`:    "in a header name",
	}
	for body, want := range cases {
		_, _, err := DecodeCall([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to contain %q", body, err, want)
		}
	}
}

func TestDecodeEvent(t *testing.T) {
	t.Parallel()
	e, err := DecodeEvent([]byte(`{"version":"1.0.0","type":"dialin.ready","id":"evt-1","event_ts":1724166735.5,"payload":{"room":"r"}}`))
	if err != nil || e.Type != "dialin.ready" || e.EventTS != 1724166735.5 {
		t.Fatalf("DecodeEvent = %+v, %v", e, err)
	}
	if _, err := DecodeEvent([]byte(`{"id":"x"}`)); err == nil {
		t.Fatal("event without type accepted")
	}
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
