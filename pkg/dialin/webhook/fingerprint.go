package webhook

import (
	"crypto/sha256"
	"encoding/hex"
)

// SecretFingerprint names a signing secret without revealing it: the first 16 hex digits of
// SHA-256 over a fixed prefix and the secret's base64 text. serve's admin listener answers it
// and `dialin doctor` computes it from the route's hmac, so both must use this one function.
// The prefix keeps the value from being a plain hash of the secret found elsewhere.
func SecretFingerprint(secret string) string {
	sum := sha256.Sum256([]byte("dialin-secret-fingerprint:" + secret))
	return hex.EncodeToString(sum[:])[:16]
}
