package serve

import (
	"errors"
	"net/http"
	"sort"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// ErrNoSecret is returned by SignWebhook when serve has no route secret to sign with.
var ErrNoSecret = errors.New("no route secret loaded to sign with")

// SignWebhook signs body, at now, as Daily signs a pinless dial-in webhook: with the route
// secret named route (as Event.Route recorded it), else with the first one serve holds. It
// is what a replay of a recorded call uses, so the secret never leaves serve. With
// --insecure-skip-verify and no secret it returns empty headers.
func (s *Server) SignWebhook(route string, body []byte, now time.Time) (http.Header, error) {
	s.routes.mu.RLock()
	secret, ok := s.routes.secrets[route]
	if !ok {
		names := make([]string, 0, len(s.routes.secrets))
		for n := range s.routes.secrets {
			names = append(names, n)
		}
		sort.Strings(names)
		if len(names) > 0 {
			secret, ok = s.routes.secrets[names[0]], true
		}
	}
	s.routes.mu.RUnlock()
	if !ok {
		if s.d.InsecureSkipVerify {
			return http.Header{}, nil
		}
		return nil, ErrNoSecret
	}
	return webhook.SignHeaders(secret, now, body)
}
