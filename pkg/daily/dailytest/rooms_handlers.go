package dailytest

import (
	"net/http"
	"strings"
	"time"
)

// listRooms is GET /rooms: rooms that have not expired, newest first, at most 100 per page.
func (s *Server) listRooms(r *http.Request, _ []string) (any, *apiError) {
	pg, e := parsePage(r.URL.Query(), 100)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var all []*room
	for _, rm := range s.rooms {
		if !rm.expired(now) {
			all = append(all, rm)
		}
	}
	sortNewestFirst(all, func(rm *room) (time.Time, int64) { return rm.created, rm.seq })
	page, e := paginate(all, func(rm *room) string { return rm.id }, pg)
	if e != nil {
		return nil, e
	}
	data := make([]roomJSON, len(page))
	for i, rm := range page {
		data[i] = s.roomJSON(rm)
	}
	return map[string]any{"total_count": len(all), "data": data}, nil
}

// getRoom is GET /rooms/:name; an expired room is 404 like a missing one.
func (s *Server) getRoom(_ *http.Request, p []string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rm, e := s.liveRoom(p[0])
	if e != nil {
		return nil, e
	}
	return s.roomJSON(rm), nil
}

// updateRoom is POST /rooms/:name: privacy and properties merge into the room (null unsets).
func (s *Server) updateRoom(r *http.Request, p []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	privacy, props, e := readRoomBody(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rm, e := s.liveRoom(p[0])
	if e != nil {
		return nil, e
	}
	if e := validateRoomProps(props, s.now()); e != nil {
		return nil, e
	}
	if privacy != "" {
		rm.privacy = privacy
	}
	rm.applyProps(props)
	return s.roomJSON(rm), nil
}

// deleteRoom is DELETE /rooms/:name. An expired room that still exists answers Daily's 404
// plus "deleted": true, and is gone afterwards.
func (s *Server) deleteRoom(_ *http.Request, p []string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := p[0]
	rm := s.rooms[name]
	if rm == nil {
		return nil, notFound("room %s not found", name)
	}
	delete(s.rooms, name)
	s.roomDeletedLocked(name)
	if rm.expired(s.now()) {
		info := "room " + name + " not found"
		return nil, &apiError{status: http.StatusNotFound, kind: "not-found", info: info,
			body: map[string]any{"error": "not-found", "info": info, "deleted": true}}
	}
	return map[string]any{"deleted": true, "name": name}, nil
}

// startDialOut is POST /rooms/:name/dialOut/start. The emulator has no sessions in rooms, so a
// valid request gets Daily's 404 "Room is not hosting a call"; it exists for the rate-limit
// class (5 per 5 s) and the validation of the body.
func (s *Server) startDialOut(r *http.Request, p []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	sipURI, hasSIP, e := body.str("sipUri")
	if e != nil {
		return nil, e
	}
	phone, hasPhone, e := body.str("phoneNumber")
	if e != nil {
		return nil, e
	}
	switch {
	case !hasSIP && !hasPhone:
		return nil, badRequest("sipUri or phoneNumber is required")
	case hasSIP && !strings.HasPrefix(sipURI, "sip:"):
		return nil, badRequest("sipUri must start with sip:")
	case hasPhone && !validE164(phone):
		return nil, badRequest("phoneNumber must be an E.164 number such as +14155550123")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.liveRoom(p[0]); e != nil {
		return nil, e
	}
	return nil, notFound("Room is not hosting a call")
}
