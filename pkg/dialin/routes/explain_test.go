package routes

import (
	"strings"
	"testing"
)

func TestExplainMatchesNormalisedNumbers(t *testing.T) {
	t.Parallel()
	live := entries(t, liveJSON)
	for _, to := range []string{"+1 (415) 555-0101", "14155550101", "+14155550101", "4155550101"} {
		x, err := Explain(live, to, "(415) 555-0199", "US")
		if err != nil {
			t.Fatal(err)
		}
		if !x.Matched || x.Index != 1 || x.Key != "+14155550101" || x.Webhook != "https://b.example.com/dialin" || x.From != "+14155550199" {
			t.Errorf("Explain(%q) = %+v", to, x)
		}
	}
	x, _ := Explain(live, "+1 (415) 555-0101", "", "US")
	want := `entry #2 matches: its phone_number is +14155550101 ("+1 (415) 555-0101" normalised to E.164 is +14155550101); Daily holds the call and POSTs it to https://b.example.com/dialin`
	if x.Reason != want {
		t.Errorf("reason:\n got %s\nwant %s", x.Reason, want)
	}
}

func TestExplainSIPAndNoMatch(t *testing.T) {
	t.Parallel()
	live := entries(t, liveJSON)
	x, err := Explain(live, "sip:static--2@X.SIP.example;transport=tls", "", "")
	if err != nil || !x.Matched || x.Key != "sip:ci-trunk" || !x.BySIP {
		t.Fatalf("SIP: %+v, %v", x, err)
	}
	x, err = Explain(live, "+14155550111", "", "")
	if err != nil || x.Matched || x.Index != -1 || !strings.Contains(x.Reason, "no entry has the phone_number +14155550111") {
		t.Errorf("no match: %+v, %v", x, err)
	}
	x, _ = Explain(live, "nobody@x.sip.example", "", "")
	if x.Matched || !strings.HasPrefix(x.Reason, "no entry has the sip_uri nobody@x.sip.example") {
		t.Errorf("SIP no match: %+v", x)
	}
	if _, err := Explain(live, "abc", "", "US"); err == nil || !strings.HasPrefix(err.Error(), `to: phone number "abc"`) {
		t.Errorf("bad input: %v", err)
	}
	noSecrets(t, "explanation", x.Reason)
}
