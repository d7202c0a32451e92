package dailytest

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/dialin-project/dialin/internal/testkit"
)

// oddHeader holds what Go's encoder escapes and JSON.stringify does not: U+2028, U+2029 and
// HTML's < & >, next to the text \u2028 (a backslash, then "u2028"), which stays escaped.
const oddHeader = "a\u2028b\u2029c <&> \\u2028"

// oddHeaderJSON is oddHeader as JSON.stringify writes it.
const oddHeaderJSON = `"a` + "\u2028" + `b` + "\u2029" + `c <&> \\u2028"`

// The dial-in webhook and the dialin.connected event are what JSON.stringify writes, so a
// verifier over the raw body and one that re-serialises the parsed body both verify.
func TestWebhookBodiesAreWhatJSONStringifyWrites(t *testing.T) {
	s, clock := newTest(t)
	secret, events := eventHook(t, s, "dialin.connected")
	serve, got := webhookReceiver(t, http.StatusOK)
	number := routeTo(t, s, serve.URL)
	id := place(t, s, CallSpec{To: number, From: "+15550001111", SIPHeaders: map[string]string{"X-Odd": oddHeader}})
	testkit.Eventually(t, "the dial-in webhook", func() bool { return len(callWebhooks(got())) == 1 })
	hook := callWebhooks(got())[0]
	want := `{"To":"` + number + `","From":"+15550001111","callId":"` + id + `","callDomain":"` + s.DomainID() +
		`","sipHeaders":{"X-Odd":` + oddHeaderJSON + `}}`
	if string(hook.body) != want {
		t.Fatalf("webhook body\n%q\nwant\n%q", hook.body, want)
	}
	if !validSignature(testRouteSecret, hook.header.Get("X-Pinless-Timestamp"), hook.body, hook.header.Get("X-Pinless-Signature")) {
		t.Fatal("the signature does not verify over the raw body")
	}

	sipRoom(t, s, "odd", 1)
	_, eps := joinRoom(t, s, "odd", roomToken(t, s, "odd"))
	clock.Advance(DefaultReadyDelay)
	if res := update(t, s, id, s.DomainID(), eps[0]); res.status != http.StatusOK {
		t.Fatalf("update: %d %s", res.status, res.body)
	}
	testkit.Eventually(t, "dialin.connected", func() bool { return len(events()) == 1 })
	ev := events()[0]
	if !bytes.Contains(ev.body, []byte(`"sip_headers":{"X-Odd":`+oddHeaderJSON+`}`)) || bytes.Contains(ev.body, []byte(`\u2028`+"\u2028")) {
		t.Fatalf("dialin.connected body %q", ev.body)
	}
	checkSignature(t, secret, ev.header.Get("X-Webhook-Timestamp"), ev.body, ev.header.Get("X-Webhook-Signature"))
}

func TestUnescapeLineSeparators(t *testing.T) {
	for in, want := range map[string]string{
		`"\u2028"`:         "\"\u2028\"",
		`"x\u2029y"`:       "\"x\u2029y\"",
		`"\\u2028"`:        `"\\u2028"`,
		`"\\\u2028"`:       "\"\\\\\u2028\"",
		`"\u2027\n\u202"`:  `"\u2027\n\u202"`,
		`{"a":"\u00e9<"}`:  `{"a":"\u00e9<"}`,
		`"tail\`:           `"tail\`,
		`"\u2028\u2029\\"`: "\"\u2028\u2029\\\\\"",
	} {
		if got := string(unescapeLineSeparators([]byte(in))); got != want {
			t.Errorf("unescape(%s) = %q, want %q", in, got, want)
		}
	}
}
