package routes

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// Pipecat Cloud's hosted dial-in webhook: a number routed to it makes Pipecat Cloud create
// the room and start the agent. Routes keep the URL (it is what Daily calls); people see and
// write the agent as ORG/AGENT. The first segment is the organization as the user gives it
// (Pipecat's docs call it org_id, other Pipecat Cloud URLs use the organization's name).
const (
	pipecatCloudWebhookPrefix = "https://api.pipecat.daily.co/v1/public/webhooks/"
	pipecatCloudWebhookSuffix = "/dialin"
)

// pipecatCloudSegment is one of ORG and AGENT: a URL path segment that needs no escaping.
var pipecatCloudSegment = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// PipecatCloudWebhookURL turns "ORG/AGENT" into Pipecat Cloud's hosted dial-in webhook URL.
func PipecatCloudWebhookURL(orgAgent string) (string, error) {
	org, agent, ok := strings.Cut(strings.TrimSpace(orgAgent), "/")
	if !ok || !pipecatCloudSegment.MatchString(org) || !pipecatCloudSegment.MatchString(agent) {
		return "", errors.New("must be ORG/AGENT: your Pipecat Cloud organization and agent name " +
			"(letters, digits, '.', '_' or '-'), such as acme/support-bot")
	}
	return pipecatCloudWebhookPrefix + org + "/" + agent + pipecatCloudWebhookSuffix, nil
}

// PipecatCloudAgent answers "ORG/AGENT" when webhook is Pipecat Cloud's hosted dial-in
// webhook (the form PipecatCloudWebhookURL writes), and false for any other URL.
func PipecatCloudAgent(webhook string) (string, bool) {
	u, err := url.Parse(webhook)
	if err != nil || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", false
	}
	rest, ok := strings.CutPrefix(u.Scheme+"://"+strings.ToLower(u.Host)+u.Path, pipecatCloudWebhookPrefix)
	if !ok {
		return "", false
	}
	orgAgent, ok := strings.CutSuffix(rest, pipecatCloudWebhookSuffix)
	if !ok {
		return "", false
	}
	if canonical, err := PipecatCloudWebhookURL(orgAgent); err != nil || canonical != pipecatCloudWebhookPrefix+orgAgent+pipecatCloudWebhookSuffix {
		return "", false
	}
	return orgAgent, true
}

// WebhookName is how a route's webhook is shown to people: "Pipecat Cloud ORG/AGENT" for
// Pipecat Cloud's hosted webhook, else the URL as given.
func WebhookName(webhook string) string {
	if a, ok := PipecatCloudAgent(webhook); ok {
		return "Pipecat Cloud " + a
	}
	return webhook
}
