package serve

import (
	"context"

	"github.com/dialin-project/dialin/pkg/daily"
)

// SecretSource provides signing secrets (base64), keyed by a name that logs may show (a
// route's number, a webhook's uuid; never the secret).
type SecretSource interface {
	Secrets(ctx context.Context) (map[string]string, error)
}

// RouteSecrets reads each pinless_dialin route's hmac from the domain (GET /). Every route's
// secret is accepted on the webhook path: serve does not know which routes point at it.
type RouteSecrets struct {
	Client *daily.Client
}

// Secrets implements SecretSource.
func (r *RouteSecrets) Secrets(ctx context.Context) (map[string]string, error) {
	d, err := r.Client.Domain(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := d.PinlessDialin()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i := range entries {
		if entries[i].HMAC != "" {
			out["route "+entries[i].Key()] = entries[i].HMAC
		}
	}
	return out, nil
}

// WebhookSecrets reads the hmac of the domain's /webhooks subscription, which signs the
// dialin.* events.
type WebhookSecrets struct {
	Client *daily.Client
}

// Secrets implements SecretSource.
func (w *WebhookSecrets) Secrets(ctx context.Context) (map[string]string, error) {
	hooks, err := w.Client.Webhooks(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, h := range hooks {
		if h.HMAC != "" {
			out["webhook "+h.UUID] = h.HMAC
		}
	}
	return out, nil
}

// StaticSecrets is a fixed set of secrets, e.g. DIALIN_WEBHOOK_SECRET.
type StaticSecrets map[string]string

// Secrets implements SecretSource.
func (s StaticSecrets) Secrets(context.Context) (map[string]string, error) {
	out := make(map[string]string, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out, nil
}
