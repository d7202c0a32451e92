package serve

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request) {
	writeReply(w, http.StatusOK, reply{Status: "ok"})
}

// Ready reports whether serve can take calls, and if not, why: it is not shutting down, it
// has route secrets (unless verification is off), with patch: serve it has the events
// webhook's secret, and Deps.ReadyCheck (if any) passes.
func (s *Server) Ready() (bool, string) {
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	var why []string
	if closing {
		why = append(why, "shutting down")
	}
	if !s.d.InsecureSkipVerify && !s.routes.ready() {
		why = append(why, "no route secrets loaded (no pinless_dialin route has an hmac, or Daily could not be read)")
	}
	if s.cfg.Patch == serveconfig.PatchServe && !s.events.ready() {
		// The one step that makes it ready, as a command: the subscription points at the
		// events path through whatever public host reaches serve.
		why = append(why, "no events webhook secret loaded (patch: serve needs Daily's /webhooks subscription; "+
			"run `dialin webhooks create --url https://<public host>"+s.cfg.EventsPath+"`, or give --events-secret-file)")
	}
	if s.d.ReadyCheck != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.d.ReadyCheck(ctx); err != nil {
			why = append(why, err.Error())
		}
	}
	return len(why) == 0, strings.Join(why, "; ")
}

func (s *Server) serveReady(w http.ResponseWriter, _ *http.Request) {
	if ok, why := s.Ready(); !ok {
		writeReply(w, http.StatusServiceUnavailable, reply{Status: "unavailable", Reason: why})
		return
	}
	// Ready, in a slower mode than configured: the reason says which.
	writeReply(w, http.StatusOK, reply{Status: "ok", Reason: s.tokenNote()})
}

// tokenNote is why tokens: auto fell back to Daily's REST tokens, or "".
func (s *Server) tokenNote() string {
	if t, ok := s.d.Tokens.(*CheckedTokens); ok {
		return t.Note()
	}
	return ""
}
