package dailytest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

var b64url = base64.RawURLEncoding

// signHS256 makes a compact JWT over claims, signed with key (Daily signs with the API key).
func signHS256(claims map[string]any, key string) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	head := b64url.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	signing := head + "." + b64url.EncodeToString(payload)
	return signing + "." + b64url.EncodeToString(hs256(signing, key)), nil
}

func hs256(signing, key string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(signing))
	return m.Sum(nil)
}

// VerifyMeetingToken checks a meeting token the way Daily would accept it: an HS256 JWT signed
// with this server's API key whose "d" claim is this domain's id and whose exp (if any) has not
// passed on the server clock. It returns the claims (Daily's short names: r, d, iat, exp, o, …).
// Errors never contain the token.
func (s *Server) VerifyMeetingToken(token string) (map[string]any, error) {
	return verifyToken(token, s.APIKey, s.domainID, s.now())
}

func verifyToken(token, key, domainID string, now time.Time) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("meeting token is not a JWT (want header.payload.signature)")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	raw, err := b64url.DecodeString(parts[0])
	if err != nil || json.Unmarshal(raw, &header) != nil {
		return nil, errors.New("meeting token header is not base64url JSON")
	}
	if header.Alg != "HS256" {
		return nil, fmt.Errorf("meeting token uses alg %q; Daily tokens are HS256", header.Alg)
	}
	sig, err := b64url.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, hs256(parts[0]+"."+parts[1], key)) {
		return nil, errors.New("meeting token signature does not match this domain's API key")
	}
	raw, err = b64url.DecodeString(parts[1])
	if err != nil {
		return nil, errors.New("meeting token payload is not base64url")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var claims map[string]any
	if dec.Decode(&claims) != nil {
		return nil, errors.New("meeting token payload is not a JSON object")
	}
	if d, _ := claims["d"].(string); d != domainID {
		return nil, errors.New("meeting token is for another domain (claim d does not match the domain id)")
	}
	if exp, ok := claims["exp"]; ok {
		v, ok := claimSeconds(exp)
		if !ok {
			return nil, errors.New("meeting token exp is not a number of seconds")
		}
		if v <= unixSeconds(now) {
			return nil, fmt.Errorf("meeting token expired at %s", isoTime(secondsTime(v)))
		}
	}
	return claims, nil
}

// claimSeconds reads a time claim (exp, nbf) decoded with UseNumber: any JSON number.
func claimSeconds(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}
