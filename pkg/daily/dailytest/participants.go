package dailytest

import (
	"context"
	"net/http"
	"slices"
	"time"
)

// roomSession is a room while participants are in it. Its SIP endpoints become ready
// readyDelay after the first join; the session ends when the last participant leaves.
type roomSession struct {
	room         string
	participants map[string]time.Time // participant id → join time
	joined       time.Time            // the session's first join
	endpoints    []string             // "sip:…", endpoint first, then extra_endpoints
	ready        map[string]time.Time // endpoint → when it became ready
	firstReady   time.Time
	stopReady    func() bool
	call         *call // the connected call the room carries, if any
}

func (sess *roomSession) readyList() []string {
	out := []string{}
	for _, ep := range sess.endpoints {
		if _, ok := sess.ready[ep]; ok {
			out = append(out, ep)
		}
	}
	return out
}

// roomEndpoints lists a room's SIP endpoints with the "sip:" prefix (none without SIP).
// Caller holds s.mu.
func (s *Server) roomEndpoints(rm *room) []string {
	if !rm.props.set("sip") {
		return nil
	}
	uri := s.sipURIOf(rm)
	out := []string{"sip:" + uri["endpoint"].(string)}
	if extra, ok := uri["extra_endpoints"].([]string); ok {
		for _, ep := range extra {
			out = append(out, "sip:"+ep)
		}
	}
	return out
}

type joinAnswer struct {
	ParticipantID string   `json:"participant_id"`
	SIPEndpoints  []string `json:"sip_endpoints"`
}

// join adds a participant to a live room. The first join starts a session and the timer that
// makes its SIP endpoints ready.
func (s *Server) join(name string) (joinAnswer, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rm, e := s.liveRoom(name)
	if e != nil {
		return joinAnswer{}, e
	}
	now := s.now()
	sess := s.sessions[name]
	if sess == nil {
		sess = &roomSession{room: name, participants: map[string]time.Time{}, joined: now,
			endpoints: s.roomEndpoints(rm), ready: map[string]time.Time{}}
		s.sessions[name] = sess
		if len(sess.endpoints) > 0 {
			sess.stopReady = s.after(s.readyDelay, func() { s.endpointsReady(sess) })
		}
	}
	id := newUUID()
	sess.participants[id] = now
	s.notifyLocked()
	return joinAnswer{ParticipantID: id, SIPEndpoints: slices.Clone(sess.endpoints)}, nil
}

// endpointsReady is the ready timer: every endpoint of the session is ready, and each gets
// its own dialin.ready event.
func (s *Server) endpointsReady(sess *roomSession) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions[sess.room] != sess {
		return // the session ended first
	}
	now := s.now()
	sess.firstReady = now
	for _, ep := range sess.endpoints {
		sess.ready[ep] = now
		s.emitLocked("dialin.ready", map[string]any{"timestamp": now.Unix(), "domain_id": s.domainID,
			"room": sess.room, "sip_endpoint": ep})
	}
	s.notifyLocked()
}

// leave removes a participant. When the last one leaves, the session ends: its endpoints are
// no longer ready and a call in the room ends.
func (s *Server) leave(name, participant string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[name]
	if sess == nil || participant == "" {
		return notFound("participant %q is not in room %s", participant, name)
	}
	if _, ok := sess.participants[participant]; !ok {
		return notFound("participant %q is not in room %s", participant, name)
	}
	delete(sess.participants, participant)
	if len(sess.participants) == 0 {
		s.endSessionLocked(sess, "last participant left the room")
	}
	s.notifyLocked()
	return nil
}

// endSessionLocked ends a room's session (last leave, room deleted). Caller holds s.mu.
func (s *Server) endSessionLocked(sess *roomSession, why string) {
	if sess.stopReady != nil {
		sess.stopReady()
	}
	delete(s.sessions, sess.room)
	if sess.call != nil && sess.call.state == CallConnected {
		s.finishLocked(sess.call, CallEnded, why)
	}
	s.notifyLocked()
}

// roomDeletedLocked ends the session of a deleted room: Daily ejects everyone, so a call in
// it ends. Caller holds s.mu.
func (s *Server) roomDeletedLocked(name string) {
	if sess := s.sessions[name]; sess != nil {
		s.endSessionLocked(sess, "room deleted")
	}
}

const maxReadyWait = 60 * time.Second

// waitReady long-polls until at least one SIP endpoint of the room is ready, for at most wait.
func (s *Server) waitReady(ctx context.Context, name string, wait time.Duration) (any, *apiError) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		s.mu.Lock()
		rm, e := s.liveRoom(name)
		var ready []string
		if e == nil && !rm.props.set("sip") {
			e = badRequest("room %s has no SIP endpoints (properties.sip is not set)", name)
		}
		if sess := s.sessions[name]; sess != nil {
			ready = sess.readyList()
		}
		changed := s.changed
		s.mu.Unlock()
		switch {
		case e != nil:
			return nil, e
		case len(ready) > 0:
			return map[string]any{"ready": ready}, nil
		}
		select {
		case <-changed:
		case <-timer.C:
			return nil, &apiError{status: http.StatusRequestTimeout, kind: "timeout",
				info: "no SIP endpoint of room " + name + " became ready within " + wait.String()}
		case <-ctx.Done():
			return nil, &apiError{status: http.StatusServiceUnavailable, kind: "server-error", info: "wait cancelled"}
		case <-s.bgCtx.Done():
			return nil, &apiError{status: http.StatusServiceUnavailable, kind: "server-error", info: "emulator is shutting down"}
		}
	}
}
