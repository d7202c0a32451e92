package serve

import (
	"context"
	"sort"

	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// Where the secret serve verifies a number's webhooks with comes from (SecretInfo.Source).
const (
	SecretSourceRoute  = "route hmac"    // the route's hmac, read from Daily (RouteSecrets)
	SecretSourceStatic = "static secret" // one secret for every call, e.g. DIALIN_WEBHOOK_SECRET
	SecretSourceNone   = "none"          // no secret would accept the number's calls
	SecretSourceOff    = "not verified"  // --insecure-skip-verify
)

// SecretInfo tells which secret serve would verify a number's webhooks with: its source
// and webhook.SecretFingerprint, never the secret.
type SecretInfo struct {
	Source      string `json:"source"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// SecretFor answers SecretInfo for the calls to to (a number or sip: URI). With per-route
// secrets a number not among them rereads them once (as a webhook would: refreshOnMiss).
func (s *Server) SecretFor(ctx context.Context, to string) SecretInfo {
	if s.d.InsecureSkipVerify {
		return SecretInfo{Source: SecretSourceOff}
	}
	if pr, bound := s.d.Secrets.(perRoute); !bound || !pr.SecretPerRoute() {
		s.routes.mu.RLock()
		names := make([]string, 0, len(s.routes.secrets))
		for n := range s.routes.secrets {
			names = append(names, n)
		}
		sort.Strings(names)
		var secret string
		if len(names) > 0 {
			secret = s.routes.secrets[names[0]] // serve's static source holds one secret
		}
		s.routes.mu.RUnlock()
		if secret == "" {
			return SecretInfo{Source: SecretSourceNone}
		}
		return SecretInfo{Source: SecretSourceStatic, Fingerprint: webhook.SecretFingerprint(secret)}
	}
	name := RouteSecretName(to)
	secret, ok := s.routes.secret(name)
	if !ok && s.routes.refreshOnMiss(ctx, name) {
		secret, ok = s.routes.secret(name)
	}
	if !ok {
		return SecretInfo{Source: SecretSourceNone}
	}
	return SecretInfo{Source: SecretSourceRoute, Fingerprint: webhook.SecretFingerprint(secret)}
}
