package serve

import (
	"context"
	"strings"

	"github.com/dialin-project/dialin/pkg/daily"
)

// SecretSource provides signing secrets (base64), keyed by a name that logs may show (a
// route's number, a webhook's uuid; never the secret).
type SecretSource interface {
	Secrets(ctx context.Context) (map[string]string, error)
}

// RouteSecrets reads each pinless_dialin route's hmac from the domain (GET /), named
// RouteSecretName of the route's number or SIP URI. A webhook is accepted only with the
// secret of the route its To belongs to (see Server.checkRoute): one route's secret, held
// by whoever runs that route's webhook, does not start another route's calls.
type RouteSecrets struct {
	Client *daily.Client
}

// SecretPerRoute marks the secrets as bound to their routes.
func (r *RouteSecrets) SecretPerRoute() bool { return true }

// RouteSecretName is the name of the secret of the route a call's To belongs to: the
// number, or for SIP interconnect the SIP URI ("sip:" + the entry's sip_uri).
func RouteSecretName(to string) string {
	if rest, ok := strings.CutPrefix(to, "sip:"); ok {
		return "route sip:" + rest
	}
	return "route " + to
}

// routeSecretName names an entry's secret: by the To its calls carry.
func routeSecretName(e *daily.PinlessDialinEntry) string {
	switch {
	case e.PhoneNumber != "":
		return RouteSecretName(e.PhoneNumber)
	case e.SIPURI != "":
		return RouteSecretName("sip:" + strings.TrimPrefix(e.SIPURI, "sip:"))
	}
	return "route " + e.Key()
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
			out[routeSecretName(&entries[i])] = entries[i].HMAC
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
