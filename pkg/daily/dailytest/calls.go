package dailytest

import "net/http"

// call is an inbound call Daily holds while the route's webhook finds a room. Call simulation
// (a later addition) creates calls in state.calls and decides, through forward, whether a
// pinlessCallUpdate may patch the call into sipURI.
type call struct {
	id      string
	domain  string // callDomain as sent in the webhook
	forward func(sipURI string) bool
}

// pinlessCallUpdate is POST /dialin/pinlessCallUpdate {callId, callDomain, sipUri}. All three
// are required (400 "Missing fields"); a call that is not held, or a target that is not a
// ready endpoint, is Daily's 404 "Call Forwarding Failed".
func (s *Server) pinlessCallUpdate(r *http.Request, _ []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	var f [3]string
	for i, k := range []string{"callId", "callDomain", "sipUri"} {
		v, ok, e := body.str(k)
		if e != nil || !ok || v == "" {
			return nil, badRequest("Missing fields")
		}
		f[i] = v
	}
	s.mu.Lock()
	c := s.calls[f[0]]
	s.mu.Unlock()
	if c == nil || c.domain != f[1] || c.forward == nil || !c.forward(f[2]) {
		return nil, notFound("Call Forwarding Failed")
	}
	return map[string]bool{"ok": true}, nil
}
