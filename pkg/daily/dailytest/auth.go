package dailytest

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// authenticate checks the Bearer key the way Daily answers: a missing or malformed header is
// 400 authorization-header-error, a wrong key is 401 authentication-error with no info.
func (s *Server) authenticate(r *http.Request) *apiError {
	h := r.Header.Get("Authorization")
	if h == "" {
		return &apiError{status: http.StatusBadRequest, kind: "authorization-header-error",
			info: "missing Authorization header; send 'Authorization: Bearer <API key>'"}
	}
	scheme, key, ok := strings.Cut(strings.TrimSpace(h), " ")
	key = strings.TrimSpace(key)
	if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" {
		return &apiError{status: http.StatusBadRequest, kind: "authorization-header-error",
			info: "malformed Authorization header; expected 'Bearer <API key>'"}
	}
	if subtle.ConstantTimeCompare([]byte(key), []byte(s.APIKey)) != 1 {
		return &apiError{status: http.StatusUnauthorized, kind: "authentication-error"}
	}
	return nil
}
