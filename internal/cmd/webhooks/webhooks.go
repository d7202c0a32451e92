// Package webhooks implements `dialin webhooks`: Daily's /webhooks subscription, the events
// (dialin.ready, .connected, .stopped) that serve's --patch serve and call timelines use.
// Daily keeps one subscription per domain and verifies its URL before creating or updating
// it: it POSTs {"test":"test"} there and wants a 200 within a few seconds, so serve (or
// `dialin dev`) must be running first. The subscription's hmac is never printed.
package webhooks

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/daily"
)

// DefaultEvents are the events serve takes on its events path.
var DefaultEvents = []string{"dialin.ready", "dialin.connected", "dialin.stopped"}

// Retry types Daily offers.
const (
	RetryCircuitBreaker = "circuit-breaker"
	RetryExponential    = "exponential"
)

// Verification explains Daily's check of a subscription's URL, for help and errors.
const Verification = "Daily verifies the URL first: it POSTs {\"test\":\"test\"} there (signed with X-Webhook-Signature)\n" +
	"and creates or updates the subscription only if a 200 comes back within a few seconds. Start\n" +
	"`dialin serve` (or `dialin dev`) first: serve answers that test on its events path (/events)."

// NewCmdWebhooks builds the `webhooks` group.
func NewCmdWebhooks(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhooks <command>",
		Short: "Manage Daily's /webhooks subscription (the events serve uses)",
		Long: "Daily sends dial-in events (dialin.ready, dialin.connected, dialin.stopped) to one\n" +
			"subscription per domain. serve needs them for --patch serve (it moves the caller in on\n" +
			"dialin.ready) and for connected/stopped lines; point the subscription at serve's /events.\n\n" +
			Verification + "\n\n" +
			"The subscription's hmac signs every delivery; serve reads it from Daily (or from\n" +
			"--events-secret-file). It is never printed.",
		Example: "  dialin webhooks create --url https://bots.example.com/events\n" +
			"  dialin webhooks list\n" +
			"  dialin webhooks update UUID --url https://new.example.com/events --yes\n" +
			"  dialin webhooks delete UUID --yes",
	}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdCreate(f, nil), NewCmdUpdate(f, nil), NewCmdDelete(f, nil))
	return cmd
}

// WebhookJSON is a subscription as --json shows it: everything but the secrets.
type WebhookJSON struct {
	UUID        string   `json:"uuid"`
	URL         string   `json:"url"`
	State       string   `json:"state"`
	EventTypes  []string `json:"event_types"`
	RetryType   string   `json:"retry_type,omitempty"`
	FailedCount int      `json:"failed_count"`
	BasicAuth   bool     `json:"basic_auth"` // whether Daily sends an Authorization header
	CreatedAt   string   `json:"created_at,omitempty"`
	UpdatedAt   string   `json:"updated_at,omitempty"`
}

func webhookJSON(w daily.Webhook) WebhookJSON {
	ev := w.EventTypes
	if ev == nil {
		ev = []string{}
	}
	return WebhookJSON{UUID: w.UUID, URL: w.URL, State: string(w.State), EventTypes: ev, RetryType: w.RetryType,
		FailedCount: w.FailedCount, BasicAuth: w.BasicAuth != "", CreatedAt: string(w.CreatedAt), UpdatedAt: string(w.UpdatedAt)}
}

// explain turns Daily's refusal of a URL into what to do about it.
func explain(err error, url string) error {
	var ae *daily.APIError
	if errors.As(err, &ae) && ae.Status == 400 && !strings.Contains(ae.Error(), "already has a webhook") {
		return fmt.Errorf("%w\nIf Daily could not verify %s: it must answer 200 to Daily's test POST within a few seconds. Is serve (or `dialin dev`) running, and does this URL reach its /events path?", err, url)
	}
	return err
}
