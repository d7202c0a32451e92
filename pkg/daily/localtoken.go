package daily

import (
	"errors"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// SignMeetingToken makes a meeting token locally, without a request: an HS256 JWT signed
// with the API key, carrying Daily's short claims (r room, d domain id, iat, exp, nbf,
// o owner, u user name, ud user id, ejt, eje). Daily accepts it while the key is active.
// domainID is the domain_id of GET /.
func SignMeetingToken(apiKey, domainID string, p MeetingTokenProperties, now time.Time) (string, error) {
	if apiKey == "" {
		return "", errors.New("api key: must not be empty to sign a token")
	}
	if strings.TrimSpace(domainID) == "" {
		return "", errors.New("domain id: must not be empty (it is domain_id from GET /)")
	}
	if err := validateTokenProperties(p); err != nil {
		return "", err
	}
	claims := jwt.MapClaims{"r": p.RoomName, "d": domainID, "iat": now.Unix()}
	if p.Exp != 0 {
		claims["exp"] = p.Exp
	}
	if p.Nbf != 0 {
		claims["nbf"] = p.Nbf
	}
	if p.IsOwner {
		claims["o"] = true
	}
	if p.UserName != "" {
		claims["u"] = p.UserName
	}
	if p.UserID != "" {
		claims["ud"] = p.UserID
	}
	if p.EjectAtTokenExp {
		claims["ejt"] = true
	}
	if p.EjectAfterElapsed != 0 {
		claims["eje"] = p.EjectAfterElapsed
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(apiKey))
}
