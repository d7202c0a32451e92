// Package admin is serve's admin listener: /healthz, /readyz and /metrics, the call
// history as a JSON API (list, one call, a server-sent stream of live call events, replay),
// the fingerprint of the secret serve verifies a number's webhooks with, and the inspector
// page at /. It is loopback-only unless a bearer token is set; `dialin
// serve --admin-addr` and `dialin dev` both mount it (see Handler).
package admin

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

// TokenEnv is the environment variable that holds the admin bearer token: with it set,
// clients other than loopback may use the admin listener if they present it.
const TokenEnv = "DIALIN_ADMIN_TOKEN"

// ReplayHeader must be sent with every POST: a browser cannot add it to a cross-site form
// or simple request without a CORS preflight, which the listener never allows.
const ReplayHeader = "X-Dialin-Admin"

// Options are what the admin listener serves.
type Options struct {
	// Server is the engine: health, readiness, metrics, and the secrets replays are signed with.
	Server *serve.Server
	// Recorder is the call history; nil when it is off (--call-history 0).
	Recorder *history.Recorder
	// WebhookURL is serve's own webhook (…/dialin), where a replay goes by default.
	WebhookURL string
	// Token is the bearer token non-loopback clients must present; "" allows loopback only.
	Token string
	// Client sends replays (nil: a client with a 30 s timeout).
	Client *http.Client
	// Done ends the live event streams (serve is stopping), so the listener can shut down
	// without waiting for its browsers.
	Done <-chan struct{}
}

// Handler returns the admin listener's handler.
func Handler(o Options) http.Handler {
	a := &api{o: o}
	if a.o.Client == nil {
		a.o.Client = &http.Client{Timeout: replayTimeout}
	}
	mux := http.NewServeMux()
	engine := o.Server.Handler()
	mux.Handle("GET /healthz", engine)
	mux.Handle("GET /readyz", engine)
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.Server.Metrics(), promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /api/calls", a.list)
	mux.HandleFunc("GET /api/calls/{id}", a.get)
	mux.HandleFunc("POST /api/calls/{id}/replay", a.replay)
	mux.HandleFunc("GET /api/events", a.events)
	mux.HandleFunc("GET /api/routes/{number}/secret-fingerprint", a.secretFingerprint)
	mux.HandleFunc("GET /{$}", a.page)
	mux.HandleFunc("GET /fragment/calls/{id}", a.fragment)
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
	return guard(o.Token, mux)
}

// guard lets loopback clients in, and others only with the bearer token. A loopback client
// must also name a loopback host, so that a web page whose name was rebound to 127.0.0.1
// cannot read the calls. A POST must carry ReplayHeader and, from a browser, a same-origin
// Origin.
func guard(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case hasToken(r, token):
		case !loopback(r.RemoteAddr):
			if token == "" {
				http.Error(w, "the admin listener answers loopback clients only (set "+TokenEnv+" in serve's environment to allow others with a bearer token)", http.StatusForbidden)
			} else {
				w.Header().Set("WWW-Authenticate", `Bearer realm="dialin admin"`)
				http.Error(w, "a bearer token is required", http.StatusUnauthorized)
			}
			return
		case !loopbackHost(r.Host):
			http.Error(w, "the admin listener answers loopback host names only (localhost, 127.0.0.1, [::1])", http.StatusForbidden)
			return
		}
		if r.Method == http.MethodPost {
			if r.Header.Get(ReplayHeader) == "" {
				http.Error(w, "a POST needs the "+ReplayHeader+" header", http.StatusForbidden)
				return
			}
			if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
				http.Error(w, "cross-origin POST refused", http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func hasToken(r *http.Request, token string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return token != "" && ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

func loopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	host = strings.Trim(host, "[]")
	return host == "localhost" || loopback(net.JoinHostPort(host, "0"))
}
