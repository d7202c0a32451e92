package output

// secretMask is fixed so the mask reveals neither characters nor the length of the secret.
const secretMask = "••••••••"

// Secret masks a secret (API key, hmac secret, token) for display: a fixed mask when s is
// set, "" when it is empty. No part of s is ever shown.
func Secret(s string) string {
	if s == "" {
		return ""
	}
	return secretMask
}
