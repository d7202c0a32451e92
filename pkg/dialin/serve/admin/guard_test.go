package admin

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestGuard: loopback clients get in; others only with the bearer token; a loopback client
// must name a loopback host (no DNS rebinding); a POST needs the admin header and, from a
// browser, the same origin.
func TestGuard(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for _, tc := range []struct {
		name, token, method, remote, host, auth, header, origin string
		want                                                    int
	}{
		{"loopback", "", "GET", "127.0.0.1:5000", "127.0.0.1:7861", "", "", "", 204},
		{"loopback v6 localhost", "", "GET", "[::1]:5000", "localhost:7861", "", "", "", 204},
		{"remote without a token set", "", "GET", "192.0.2.7:5000", "192.0.2.1:7861", "", "", "", 403},
		{"remote presenting a token none is set for", "", "GET", "192.0.2.7:5000", "192.0.2.1:7861", "Bearer x", "", "", 403},
		{"remote without the token", "s3cret", "GET", "192.0.2.7:5000", "192.0.2.1:7861", "", "", "", 401},
		{"remote with a wrong token", "s3cret", "GET", "192.0.2.7:5000", "192.0.2.1:7861", "Bearer nope", "", "", 401},
		{"remote with the token", "s3cret", "GET", "192.0.2.7:5000", "admin.example:7861", "Bearer s3cret", "", "", 204},
		{"rebound host name", "", "GET", "127.0.0.1:5000", "evil.example:7861", "", "", "", 403},
		{"POST without the header", "", "POST", "127.0.0.1:5000", "127.0.0.1:7861", "", "", "", 403},
		{"POST from another origin", "", "POST", "127.0.0.1:5000", "127.0.0.1:7861", "", "1", "http://evil.example", 403},
		{"POST from the page", "", "POST", "127.0.0.1:5000", "127.0.0.1:7861", "", "1", "http://127.0.0.1:7861", 204},
		{"POST from the CLI", "", "POST", "127.0.0.1:5000", "127.0.0.1:7861", "", "1", "", 204},
	} {
		r := httptest.NewRequest(tc.method, "http://"+tc.host+"/api/calls", nil)
		r.RemoteAddr, r.Host = tc.remote, tc.host
		for k, v := range map[string]string{"Authorization": tc.auth, ReplayHeader: tc.header, "Origin": tc.origin} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		w := httptest.NewRecorder()
		guard(tc.token, ok).ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s: %d, want %d (%s)", tc.name, w.Code, tc.want, w.Body)
		}
	}
}
