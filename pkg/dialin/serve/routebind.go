package serve

import (
	"context"
	"net/http"

	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// perRoute is a SecretSource whose secrets are each bound to one route (RouteSecrets).
type perRoute interface{ SecretPerRoute() bool }

// checkRoute requires a verified call to be signed with the secret of the route its To
// belongs to, when the secrets are per route: a signature made with another route's secret
// proves only that other route. It returns the rejection's label and reason, or ok. Two
// routes that share one secret accept each other's calls, as they must.
func (s *Server) checkRoute(ctx context.Context, h http.Header, body []byte, wc *webhook.Call, signer string) (label, reason string, ok bool) {
	if s.d.InsecureSkipVerify {
		return "", "", true
	}
	if pr, bound := s.d.Secrets.(perRoute); !bound || !pr.SecretPerRoute() {
		return "", "", true // one secret for every call (DIALIN_WEBHOOK_SECRET)
	}
	want := RouteSecretName(wc.To)
	if signer == want {
		return "", "", true
	}
	secret, known := s.routes.secret(want)
	if !known && s.routes.refreshOnMiss(ctx, want) { // a route added since the last read
		secret, known = s.routes.secret(want)
	}
	if !known {
		return "unknown_route", "To belongs to no route with an hmac; signed with the secret of " + signer, false
	}
	v := &webhook.Verifier{Secrets: map[string]string{want: secret}, Window: s.cfg.SignatureWindow}
	if _, err := v.VerifyRequest(h, body); err == nil {
		return "", "", true
	}
	return "wrong_route", "signed with the secret of " + signer + ", not of " + want + " (the route of To)", false
}
