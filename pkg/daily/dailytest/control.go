package dailytest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// serveControl answers the /_emulator/… endpoints that out-of-process users (dialin emulator,
// testscript) use instead of the Go API. They take the same Bearer key, are not recorded in
// Requests and are never rate limited or faulted.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, roomsControlPrefix) {
		s.serveParticipant(w, r) // authenticated with a meeting token, not the API key
		return
	}
	if e := s.authenticate(r); e != nil {
		writeError(w, e)
		return
	}
	if p := normalizePath(r.URL.Path); p == callsControlPath || strings.HasPrefix(p, callsControlPath+"/") {
		s.serveCallControl(w, r, p)
		return
	}
	type handler func(r *http.Request) (any, *apiError)
	routes := map[string]map[string]handler{
		"/_emulator/requests":       {"GET": s.controlRequests},
		"/_emulator/deliveries":     {"GET": s.controlDeliveries},
		"/_emulator/faults":         {"POST": s.controlFaults},
		"/_emulator/clock":          {"GET": s.controlClock, "POST": s.controlClock},
		"/_emulator/reset-requests": {"POST": s.controlResetRequests},
	}
	methods, ok := routes[normalizePath(r.URL.Path)]
	if !ok {
		writeError(w, notFound("unknown control endpoint %s", r.URL.Path))
		return
	}
	h, ok := methods[r.Method]
	if !ok {
		writeError(w, &apiError{status: http.StatusMethodNotAllowed, kind: "invalid-request-error",
			info: "method " + r.Method + " is not allowed on " + r.URL.Path})
		return
	}
	body, e := h(r)
	if e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) controlRequests(*http.Request) (any, *apiError) {
	reqs := s.Requests()
	if reqs == nil {
		reqs = []Request{}
	}
	return map[string]any{"requests": reqs}, nil
}

func (s *Server) controlDeliveries(*http.Request) (any, *apiError) {
	d := s.Deliveries()
	if d == nil {
		d = []Delivery{}
	}
	return map[string]any{"deliveries": d}, nil
}

func (s *Server) controlResetRequests(*http.Request) (any, *apiError) {
	s.ResetRequests()
	return map[string]bool{"ok": true}, nil
}

// controlFaults is POST /_emulator/faults {"latency_ms", "fail_next": {"status", "count",
// "retry_after_s", "method", "path"}, "fail_rate": {"share", "status"}}; each part is optional.
func (s *Server) controlFaults(r *http.Request) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	ms, hasLatency, e := body.integer("latency_ms")
	if e != nil {
		return nil, e
	}
	next, hasNext, e := body.obj("fail_next")
	if e != nil {
		return nil, e
	}
	rate, hasRate, e := body.obj("fail_rate")
	if e != nil {
		return nil, e
	}
	var nextStatus, nextCount, retryS int64
	var nextMethod, nextPath string
	if hasNext {
		if nextStatus, _, e = next.integer("status"); e != nil || nextStatus < 400 || nextStatus > 599 {
			return nil, badRequest("fail_next.status must be an HTTP error status (400-599)")
		}
		if nextCount, _, e = next.integer("count"); e != nil || nextCount < 1 {
			return nil, badRequest("fail_next.count must be a positive integer")
		}
		if retryS, _, e = next.integer("retry_after_s"); e != nil || retryS < 0 {
			return nil, badRequest("fail_next.retry_after_s must be a non-negative integer")
		}
		if nextMethod, _, e = next.str("method"); e != nil {
			return nil, e
		}
		if nextPath, _, e = next.str("path"); e != nil {
			return nil, e
		}
	}
	var share float64
	var rateStatus int64
	if hasRate {
		var ok bool
		if share, ok = asFloat(rate["share"]); !ok || share < 0 || share > 1 {
			return nil, badRequest("fail_rate.share must be a number from 0 to 1")
		}
		if rateStatus, _, e = rate.integer("status"); e != nil || (share > 0 && (rateStatus < 400 || rateStatus > 599)) {
			return nil, badRequest("fail_rate.status must be an HTTP error status (400-599)")
		}
	}
	if hasLatency {
		if ms < 0 {
			return nil, badRequest("latency_ms must not be negative")
		}
		s.SetLatency(time.Duration(ms) * time.Millisecond)
	}
	if hasNext {
		s.FailNext(int(nextStatus), int(nextCount), RetryAfter(time.Duration(retryS)*time.Second), OnRequest(strings.ToUpper(nextMethod), nextPath))
	}
	if hasRate {
		s.FailRate(share, int(rateStatus))
	}
	return map[string]bool{"ok": true}, nil
}

// controlClock is POST /_emulator/clock {"advance_s": n} (and GET) → {"now": …}. It moves a
// ManualClock, or the server's offset on a real clock (see Server.Advance).
func (s *Server) controlClock(r *http.Request) (any, *apiError) {
	if r.Method == http.MethodPost {
		body, e := readObject(r)
		if e != nil {
			return nil, e
		}
		secs, ok := asFloat(body["advance_s"])
		if !ok {
			return nil, badRequest("advance_s is required (a number of seconds)")
		}
		s.Advance(time.Duration(secs * float64(time.Second)))
	}
	return map[string]string{"now": s.now().Format(time.RFC3339Nano)}, nil
}

func asFloat(raw []byte) (float64, bool) {
	if raw == nil || jsonType(raw) != "number" {
		return 0, false
	}
	var f float64
	return f, json.Unmarshal(raw, &f) == nil
}
