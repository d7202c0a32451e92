package routes

import (
	"strings"
	"testing"
)

func TestPipecatCloudWebhookURLRoundTrips(t *testing.T) {
	t.Parallel()
	for _, oa := range []string{"acme/support-bot", "org_123/agent.v2", "A/b"} {
		u, err := PipecatCloudWebhookURL(oa)
		if err != nil {
			t.Fatalf("%q: %v", oa, err)
		}
		if want := "https://api.pipecat.daily.co/v1/public/webhooks/" + oa + "/dialin"; u != want {
			t.Errorf("%q: url %q, want %q", oa, u, want)
		}
		if got, ok := PipecatCloudAgent(u); !ok || got != oa {
			t.Errorf("PipecatCloudAgent(%q) = %q %v, want %q", u, got, ok, oa)
		}
		if got := WebhookName(u); got != "Pipecat Cloud "+oa {
			t.Errorf("WebhookName(%q) = %q", u, got)
		}
	}
}

func TestPipecatCloudWebhookURLRefusesBadAgents(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "acme", "/bot", "acme/", "acme/bot/x", "ac me/bot", "acme/b?t", "-acme/bot", "acme/bot%2F"} {
		if _, err := PipecatCloudWebhookURL(bad); err == nil || !strings.Contains(err.Error(), "ORG/AGENT") {
			t.Errorf("PipecatCloudWebhookURL(%q): err %v, want one naming ORG/AGENT", bad, err)
		}
	}
}

// Any other webhook — the user's own server, serve, a look-alike — is shown as its URL.
func TestWebhookNameKeepsOtherURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		"https://bots.example.com/dialin",
		"https://api.pipecat.daily.co/v1/public/acme/start",
		"https://api.pipecat.daily.co/v1/public/webhooks/acme/bot/dialin?x=1",
		"http://api.pipecat.daily.co/v1/public/webhooks/acme/bot/dialin",
		"https://api.pipecat.daily.co.evil.example/v1/public/webhooks/acme/bot/dialin",
		"https://api.pipecat.daily.co/v1/public/webhooks/acme/bot/x/dialin",
		"",
	} {
		if got := WebhookName(u); got != u {
			t.Errorf("WebhookName(%q) = %q, want the URL unchanged", u, got)
		}
	}
}

// A plan file names a Pipecat Cloud agent instead of its webhook URL.
func TestParseSpecTakesPipecatCloudAgent(t *testing.T) {
	t.Parallel()
	s, err := ParseSpec("f.yaml", []byte("routes:\n  - number: \"+14155550100\"\n    pipecat_cloud: acme/support-bot\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://api.pipecat.daily.co/v1/public/webhooks/acme/support-bot/dialin"; s.Routes[0].URL != want {
		t.Fatalf("url %q, want %q", s.Routes[0].URL, want)
	}
	for _, c := range []struct{ yaml, want string }{
		{"routes:\n  - number: \"+14155550100\"\n    pipecat_cloud: acme\n", "f.yaml:3: routes[0].pipecat_cloud: must be ORG/AGENT"},
		{"routes:\n  - number: \"+14155550100\"\n    url: https://x.example.com\n    pipecat_cloud: acme/bot\n", "f.yaml:4: routes[0].pipecat_cloud: give url or pipecat_cloud, not both"},
	} {
		if _, err := ParseSpec("f.yaml", []byte(c.yaml), env(nil)); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: err %v, want %q", c.yaml, err, c.want)
		}
	}
}
