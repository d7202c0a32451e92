package admin

import (
	"net/http"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// SecretAnswer is the answer of GET /api/routes/{number}/secret-fingerprint: which secret
// serve would verify that number's webhooks with, as a fingerprint (never the secret), so
// that `dialin doctor --admin` can compare it with the route's hmac on Daily.
type SecretAnswer struct {
	Number string `json:"number"`
	serve.SecretInfo
}

// secretFingerprint answers 200 with the fingerprint, or 404 when no secret would accept
// the number's calls (source "none").
func (a *api) secretFingerprint(w http.ResponseWriter, r *http.Request) {
	n := r.PathValue("number")
	info := a.o.Server.SecretFor(r.Context(), n)
	status := http.StatusOK
	if info.Source == serve.SecretSourceNone {
		status = http.StatusNotFound
	}
	writeJSON(w, status, SecretAnswer{Number: n, SecretInfo: info})
}
