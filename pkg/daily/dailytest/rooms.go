package dailytest

import (
	"fmt"
	"net/http"
	"regexp"
	"time"
)

var invalidRoomName = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// room is a Daily room. props holds the properties as sent, nulls removed.
type room struct {
	id, name, privacy string
	created           time.Time
	seq               int64
	props             object
	sipUser           string // numeric SIP user when sip.force_digit_only_username is set
	dialinCode        string // PIN when properties.dialin is set
}

func (rm *room) expired(now time.Time) bool {
	exp, ok := asSeconds(rm.props["exp"])
	return rm.props.set("exp") && ok && exp <= now.Unix()
}

type roomJSON struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	APICreated bool           `json:"api_created"`
	Privacy    string         `json:"privacy"`
	URL        string         `json:"url"`
	CreatedAt  string         `json:"created_at"`
	Config     map[string]any `json:"config"`
}

// roomJSON is the room object: config holds the non-default properties and the read-only
// sip_uri / dialin_code. Caller holds s.mu.
func (s *Server) roomJSON(rm *room) roomJSON {
	config := map[string]any{}
	for k, v := range rm.props {
		if !isDefaultRoomProp(k, v) {
			config[k] = v
		}
	}
	if rm.props.set("sip") {
		config["sip_uri"] = s.sipURIOf(rm)
	}
	if rm.dialinCode != "" {
		config["dialin_code"] = rm.dialinCode
	}
	return roomJSON{ID: rm.id, Name: rm.name, APICreated: true, Privacy: rm.privacy,
		URL: fmt.Sprintf("https://%s.daily.co/%s", s.domainName, rm.name), CreatedAt: isoTime(rm.created), Config: config}
}

// sipURIOf is config.sip_uri: "<room>.<i>@<domain>.sip.dailytest.localhost" per endpoint,
// without the "sip:" prefix (Pipecat dials "sip:" + endpoint).
func (s *Server) sipURIOf(rm *room) map[string]any {
	sip, _, _ := rm.props.obj("sip")
	n, ok, _ := sip.integer("num_endpoints")
	if !ok {
		n = 1
	}
	host := s.domainName + "." + sipHostSuffix
	if rm.sipUser != "" {
		return map[string]any{"endpoint": rm.sipUser + "@" + host}
	}
	out := map[string]any{"endpoint": fmt.Sprintf("%s.0@%s", rm.name, host)}
	if n > 1 {
		extra := make([]string, 0, n-1)
		for i := 1; i < int(n); i++ {
			extra = append(extra, fmt.Sprintf("%s.%d@%s", rm.name, i, host))
		}
		out["extra_endpoints"] = extra
	}
	return out
}

// applyProps merges props into the room (null unsets) and refreshes derived fields.
func (rm *room) applyProps(props object) {
	for k, v := range props {
		if isNull(v) {
			delete(rm.props, k)
		} else {
			rm.props[k] = v
		}
	}
	sip, _, _ := rm.props.obj("sip")
	digits, _, _ := sip.boolean("force_digit_only_username")
	switch {
	case !digits:
		rm.sipUser = ""
	case rm.sipUser == "":
		rm.sipUser = randomDigits(10)
	}
	switch {
	case !rm.props.set("dialin"):
		rm.dialinCode = ""
	case rm.dialinCode == "":
		rm.dialinCode = randomDigits(11)
	}
}

func randomDigits(n int) string {
	b := randomBytes(n)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

// readRoomBody reads privacy and properties, shared by create and update.
func readRoomBody(body object) (privacy string, props object, e *apiError) {
	privacy, _, e = body.str("privacy")
	if e != nil {
		return "", nil, e
	}
	if privacy != "" && privacy != "public" && privacy != "private" {
		return "", nil, badRequest(`privacy must be "public" or "private", got %q`, privacy)
	}
	props, _, e = body.obj("properties")
	if e != nil {
		return "", nil, e
	}
	if props == nil {
		props = object{}
	}
	return privacy, props, nil
}

// createRoom is POST /rooms.
func (s *Server) createRoom(r *http.Request, _ []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	name, _, e := body.str("name")
	if e != nil {
		return nil, e
	}
	if name == "" {
		name = randomRoomName()
	}
	if len(name) > 128 {
		return nil, badRequest("name must be at most 128 characters (got %d)", len(name))
	}
	if invalidRoomName.MatchString(name) {
		return nil, badRequest("%s contains invalid characters (room names can contain A-Z, a-z, 0-9, '-', and '_')", name)
	}
	privacy, props, e := readRoomBody(body)
	if e != nil {
		return nil, e
	}
	if privacy == "" {
		privacy = "public"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if e := validateRoomProps(props, now); e != nil {
		return nil, e
	}
	if old := s.rooms[name]; old != nil && !old.expired(now) {
		return nil, badRequest("a room named %s already exists", name)
	}
	rm := &room{id: newUUID(), name: name, privacy: privacy, created: now, seq: s.nextSeq(), props: object{}}
	rm.applyProps(props)
	s.rooms[name] = rm
	return s.roomJSON(rm), nil
}

// liveRoom finds a room that exists and has not expired. Caller holds s.mu.
func (s *Server) liveRoom(name string) (*room, *apiError) {
	rm := s.rooms[name]
	if rm == nil || rm.expired(s.now()) {
		return nil, notFound("room %s not found", name)
	}
	return rm, nil
}
