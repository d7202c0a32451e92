package dailytest

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	callsControlPath   = "/_emulator/calls"
	roomsControlPrefix = "/_emulator/rooms/"
)

func answer(w http.ResponseWriter, body any, e *apiError) {
	if e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func methodNotAllowed(r *http.Request, allowed string) *apiError {
	return &apiError{status: http.StatusMethodNotAllowed, kind: "invalid-request-error",
		info: "method " + r.Method + " is not allowed on " + r.URL.Path + " (allowed: " + allowed + ")"}
}

// serveCallControl answers /_emulator/calls[/{id}[/hangup|/mark]]; the API key is checked.
func (s *Server) serveCallControl(w http.ResponseWriter, r *http.Request, path string) {
	rest := strings.TrimPrefix(strings.TrimPrefix(path, callsControlPath), "/")
	id, action, _ := strings.Cut(rest, "/")
	switch {
	case id == "" && r.Method == http.MethodGet:
		answer(w, map[string]any{"calls": s.Calls()}, nil)
	case id == "" && r.Method == http.MethodPost:
		callID, e := s.placeCallRequest(r)
		answer(w, map[string]string{"call_id": callID}, e)
	case id == "":
		writeError(w, methodNotAllowed(r, "GET, POST"))
	case action == "" && r.Method == http.MethodGet:
		rec, e := s.getCallRequest(r, id)
		answer(w, rec, e)
	case action == "":
		writeError(w, methodNotAllowed(r, "GET"))
	case (action == "hangup" || action == "mark") && r.Method != http.MethodPost:
		writeError(w, methodNotAllowed(r, "POST"))
	case action == "hangup":
		rec, e := s.hangup(id)
		answer(w, rec, e)
	case action == "mark":
		answer(w, map[string]bool{"ok": true}, s.markRequest(r, id))
	default:
		writeError(w, notFound("unknown control endpoint %s", r.URL.Path))
	}
}

// placeCallRequest is POST /_emulator/calls {"to","from","sip_headers","sip_uri"}.
func (s *Server) placeCallRequest(r *http.Request) (string, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return "", e
	}
	var spec CallSpec
	for key, dst := range map[string]*string{"to": &spec.To, "from": &spec.From, "sip_uri": &spec.SIPURI} {
		v, _, e := body.str(key)
		if e != nil {
			return "", badRequest("%s must be a string", key)
		}
		*dst = v
	}
	headers, _, e := body.obj("sip_headers")
	if e != nil {
		return "", badRequest("sip_headers must be an object of strings")
	}
	for k, raw := range headers {
		v, ok := asString(raw)
		if !ok || k == "" {
			return "", badRequest("sip_headers must map non-empty names to strings (%q does not)", k)
		}
		if spec.SIPHeaders == nil {
			spec.SIPHeaders = map[string]string{}
		}
		spec.SIPHeaders[k] = v
	}
	return s.placeCall(spec)
}

// getCallRequest is GET /_emulator/calls/{id}[?until=connected,lost&wait=10s]: with until, it
// waits up to wait for the call to reach one of those states, then answers the call as it is.
func (s *Server) getCallRequest(r *http.Request, id string) (CallRecord, *apiError) {
	q := r.URL.Query()
	wait, e := parseWait(q.Get("wait"))
	if e != nil {
		return CallRecord{}, e
	}
	var states []string
	if until := q.Get("until"); until != "" {
		states = strings.Split(until, ",")
		for _, st := range states {
			if !slices.Contains([]string{CallHeld, CallConnected, CallLost, CallDropped, CallEnded}, st) {
				return CallRecord{}, badRequest("until: %q is not a call state (held, connected, lost, dropped, ended)", st)
			}
		}
	}
	if rec, ok := s.Call(id); !ok {
		return CallRecord{}, notFound("call %s not found", id)
	} else if states == nil || wait == 0 {
		return rec, nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	rec, _ := s.WaitCall(ctx, id, states...)
	return rec, nil
}

// markRequest is POST /_emulator/calls/{id}/mark {"name": "bot_started", "detail": "…"}.
func (s *Server) markRequest(r *http.Request, id string) *apiError {
	body, e := readObject(r)
	if e != nil {
		return e
	}
	name, _, e1 := body.str("name")
	detail, _, e2 := body.str("detail")
	if e1 != nil || e2 != nil {
		return badRequest("name and detail must be strings")
	}
	return s.markCall(id, name, detail)
}

// parseWait reads a wait parameter: a Go duration ("10s", "500ms") or a number of seconds,
// capped at maxReadyWait. Empty is 0.
func parseWait(v string) (time.Duration, *apiError) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		secs, err2 := strconv.ParseFloat(v, 64)
		if err2 != nil {
			return 0, badRequest("wait must be a duration such as 10s or a number of seconds, got %q", v)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d < 0 {
		return 0, badRequest("wait must not be negative, got %q", v)
	}
	return min(d, maxReadyWait), nil
}

// serveParticipant answers /_emulator/rooms/{name}/join|ready|leave, authenticated with a
// meeting token for that room.
func (s *Server) serveParticipant(w http.ResponseWriter, r *http.Request) {
	name, action, _ := strings.Cut(strings.TrimPrefix(normalizePath(r.URL.Path), roomsControlPrefix), "/")
	want := map[string]string{"join": http.MethodPost, "ready": http.MethodGet, "leave": http.MethodPost}[action]
	switch {
	case name == "" || want == "":
		writeError(w, notFound("unknown control endpoint %s", r.URL.Path))
		return
	case r.Method != want:
		writeError(w, methodNotAllowed(r, want))
		return
	}
	if e := s.authenticateParticipant(r, name); e != nil {
		writeError(w, e)
		return
	}
	switch action {
	case "join":
		a, e := s.join(name)
		answer(w, a, e)
	case "ready":
		wait, e := parseWait(r.URL.Query().Get("wait"))
		if e != nil {
			writeError(w, e)
			return
		}
		body, e := s.waitReady(r.Context(), name, wait)
		answer(w, body, e)
	case "leave":
		body, e := readObject(r)
		if e != nil {
			writeError(w, e)
			return
		}
		id, _, e := body.str("participant_id")
		if e != nil {
			writeError(w, badRequest("participant_id must be a string"))
			return
		}
		answer(w, map[string]bool{"ok": true}, s.leave(name, id))
	}
}

// authenticateParticipant checks "Authorization: Bearer <meeting token>": a token this
// domain's key signed (REST-issued or self-signed), for this room (claim r), not expired and
// past its nbf.
func (s *Server) authenticateParticipant(r *http.Request, roomName string) *apiError {
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return &apiError{status: http.StatusBadRequest, kind: "authorization-header-error",
			info: "missing or malformed Authorization header; send 'Bearer <meeting token for the room>'"}
	}
	claims, err := s.VerifyMeetingToken(token)
	if err != nil {
		return &apiError{status: http.StatusUnauthorized, kind: "authentication-error", info: err.Error()}
	}
	if r, _ := claims["r"].(string); r != roomName {
		return &apiError{status: http.StatusForbidden, kind: "forbidden-error",
			info: "meeting token is not for room " + roomName + " (its room_name claim r must name the room)"}
	}
	if nbf, ok := claimSeconds(claims["nbf"]); ok && nbf > unixSeconds(s.now()) {
		return &apiError{status: http.StatusForbidden, kind: "forbidden-error",
			info: "meeting token is not valid before " + isoTime(secondsTime(nbf))}
	}
	return nil
}
