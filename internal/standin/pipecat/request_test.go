package pipecat_test

import (
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/standin/pipecat"
)

func TestParseDialinRequestValidatesLikePipecat(t *testing.T) {
	t.Parallel()
	good := `{"dialin_settings":{"call_id":"c","call_domain":"d","To":"+1415","From":"+1555","sip_headers":{"X-A":"1"}},` +
		`"daily_api_key":"k","daily_api_url":"http://127.0.0.1:1/v1","extra":1}`
	r, err := pipecat.ParseDialinRequest([]byte(good))
	if err != nil || r.DialinSettings.CallID != "c" || r.DialinSettings.From != "+1555" || r.DailyAPIKey != "k" || r.DialinSettings.SIPHeaders["X-A"] != "1" {
		t.Fatalf("%+v %v", r, err)
	}
	cases := map[string]string{
		``:    "body: must be a JSON object",
		`[1]`: "body: must be a JSON object",
		`{}`:  "body.dialin_settings: field required",
		`{"dialin_settings":{"call_domain":"d"},"daily_api_key":"k","daily_api_url":"u"}`:                                "body.dialin_settings.call_id: field required",
		`{"dialin_settings":{"call_id":"c","call_domain":5},"daily_api_key":"k","daily_api_url":"u"}`:                    "body.dialin_settings.call_domain: must be a string",
		`{"dialin_settings":{"call_id":"c","call_domain":"d"},"daily_api_url":"u"}`:                                      "body.daily_api_key: field required",
		`{"dialin_settings":{"call_id":"c","call_domain":"d"},"daily_api_key":"k"}`:                                      "body.daily_api_url: field required",
		`{"dialin_settings":{"call_id":"c","call_domain":"d","To":1},"daily_api_key":"k","daily_api_url":"u"}`:           "body.dialin_settings.To: must be a string",
		`{"dialin_settings":{"call_id":"c","call_domain":"d","sip_headers":[]},"daily_api_key":"k","daily_api_url":"u"}`: "sip_headers: must be an object of strings",
	}
	for in, want := range cases {
		if _, err := pipecat.ParseDialinRequest([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}
