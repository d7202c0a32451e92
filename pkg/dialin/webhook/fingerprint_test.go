package webhook

import (
	"strings"
	"testing"
)

// TestSecretFingerprint: 16 hex digits, stable for one secret, different for another, and
// never containing the secret.
func TestSecretFingerprint(t *testing.T) {
	t.Parallel()
	a, b := "c2VjcmV0LWE=", "c2VjcmV0LWI="
	fa := SecretFingerprint(a)
	if len(fa) != 16 || strings.Trim(fa, "0123456789abcdef") != "" {
		t.Fatalf("fingerprint %q: want 16 hex digits", fa)
	}
	if SecretFingerprint(a) != fa || SecretFingerprint(b) == fa || strings.Contains(fa, a) {
		t.Fatalf("fingerprints %q %q: want stable, distinct, without the secret", fa, SecretFingerprint(b))
	}
}
