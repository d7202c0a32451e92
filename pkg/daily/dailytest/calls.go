package dailytest

import (
	"net/http"
	"strings"
)

// pinlessCallUpdate is POST /dialin/pinlessCallUpdate {callId, callDomain, sipUri}. All three
// are required (400 "Missing fields"). Anything but a successful forward is Daily's 404 "Call
// Forwarding Failed"; see forwardLocked for which failures also drop the call.
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
	defer s.mu.Unlock()
	if e := s.forwardLocked(f[0], f[1], f[2]); e != nil {
		return nil, e
	}
	return map[string]bool{"ok": true}, nil
}

func forwardingFailed() *apiError { return notFound("Call Forwarding Failed") }

// forwardLocked patches a held call into the room whose SIP endpoint is sipURI. An unknown
// call, a call of another domain and a call that is no longer held are refused and left
// alone. For a held call the forward is attempted: a target that is not a ready endpoint of a
// room free of other calls fails, and the call drops, as on Daily. Caller holds s.mu.
func (s *Server) forwardLocked(callID, domain, sipURI string) *apiError {
	c := s.calls[callID]
	if c == nil || c.domain != domain || domain != s.domainID || c.state != CallHeld {
		return forwardingFailed()
	}
	target := "sip:" + strings.TrimPrefix(sipURI, "sip:")
	name := s.roomOfEndpoint(target)
	sess := s.sessions[name]
	var why string
	switch {
	case name == "":
		why = "no room has the SIP endpoint " + target
	case sess == nil || sess.ready[target].IsZero():
		why = "pinlessCallUpdate before the SIP endpoint was ready"
	case sess.call != nil:
		why = "room " + name + " already carries call " + sess.call.id
	}
	if why != "" {
		s.finishLocked(c, CallDropped, why)
		return forwardingFailed()
	}
	if rm := s.rooms[name]; rm != nil {
		s.markLocked(c, "room_created", rm.created, name)
	}
	s.markLocked(c, "bot_joined", sess.joined, "")
	s.markLocked(c, "ready", sess.firstReady, sess.endpoints[0])
	now := s.now()
	s.markLocked(c, "updated", now, target)
	c.stopHold()
	c.state, c.room, c.session = CallConnected, name, newUUID()
	sess.call = c
	s.markLocked(c, "connected", now, "")
	s.emitLocked("dialin.connected", s.sessionPayload(c))
	return nil
}

// roomOfEndpoint finds the live room one of whose endpoints is target ("sip:…"). Caller
// holds s.mu.
func (s *Server) roomOfEndpoint(target string) string {
	now := s.now()
	for name, rm := range s.rooms {
		if rm.expired(now) {
			continue
		}
		for _, ep := range s.roomEndpoints(rm) {
			if ep == target {
				return name
			}
		}
	}
	return ""
}

// sessionPayload is the payload of dialin.connected and dialin.stopped. Caller holds s.mu.
func (s *Server) sessionPayload(c *call) map[string]any {
	display := c.from
	if rm := s.rooms[c.room]; rm != nil {
		sip, _, _ := rm.props.obj("sip")
		if name, ok, _ := sip.str("display_name"); ok && name != "" {
			display = name
		}
	}
	headers := c.sipHeaders
	if headers == nil {
		headers = map[string]string{}
	}
	return map[string]any{"timestamp": s.now().Unix(), "session_id": c.session, "sip_from": c.from,
		"domain_id": c.domain, "room": c.room, "display_name": display, "sip_headers": headers}
}
