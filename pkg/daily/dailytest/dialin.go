package dailytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

const (
	kindPinless = "pinless_dialin"
	kindPin     = "pin_dialin"
)

// sipHostSuffix is the emulator's stand-in for Daily's SIP domains; .localhost never resolves
// off the machine.
const sipHostSuffix = "sip.dailytest.localhost"

// dialinEntry is one dial-in config. The domain's pinless_dialin / pin_dialin arrays and
// /domain-dialin-config are two views of the same entries.
type dialinEntry struct {
	id      string
	kind    string // kindPinless or kindPin
	created time.Time
	seq     int64
	fields  object // as sent (unknown fields kept verbatim) plus hmac and sip_uri for pinless
}

func (e *dialinEntry) get(key string) string {
	v, _, _ := e.fields.str(key)
	return v
}

func fieldString(o object, key string) string {
	v, _, _ := o.str(key)
	return v
}

// validateEntry checks the fields of one dial-in entry. where prefixes field names in messages
// ("pinless_dialin[1]"); it is empty for a /domain-dialin-config body. Caller holds s.mu.
func (s *Server) validateEntry(kind, where string, o object) *apiError {
	name := func(k string) string {
		if where == "" {
			return k
		}
		return where + "." + k
	}
	for _, k := range []string{"phone_number", "name_prefix", "room_creation_api", "hold_music_url", "hmac", "sip_uri"} {
		if _, _, e := o.str(k); e != nil {
			return badRequest("%s must be a string", name(k))
		}
	}
	for _, k := range []string{"timeout_config", "ivr_greeting"} {
		m, ok, e := o.obj(k)
		if e != nil {
			return badRequest("%s must be an object like {\"message\": \"…\"}", name(k))
		}
		if _, _, e := m.str("message"); ok && e != nil {
			return badRequest("%s.message must be a string", name(k))
		}
	}
	phone, hasPhone, _ := o.str("phone_number")
	switch {
	case hasPhone && !validE164(phone):
		return badRequest("%s must be an E.164 number such as +14155550123, got %q", name("phone_number"), phone)
	case hasPhone && s.purchasedByNumber(phone) == nil:
		return badRequest("%s: %s is not a phone number purchased by this domain", name("phone_number"), phone)
	case kind == kindPin && !hasPhone:
		return badRequest("%s is required for pin_dialin", name("phone_number"))
	case kind == kindPin:
		return nil
	}
	rca, ok, _ := o.str("room_creation_api")
	if !ok || rca == "" {
		return badRequest("%s is required for pinless_dialin", name("room_creation_api"))
	}
	if !absoluteURL(rca) {
		return badRequest("%s must be an absolute http(s) URL, got %q", name("room_creation_api"), rca)
	}
	if hm, ok, _ := o.str("hold_music_url"); ok && !absoluteURL(hm) {
		return badRequest("%s must be an absolute http(s) URL, got %q", name("hold_music_url"), hm)
	}
	if secret, ok, _ := o.str("hmac"); ok {
		if key, err := base64.StdEncoding.DecodeString(secret); err != nil || len(key) == 0 {
			return badRequest("%s must be a non-empty base64-encoded secret (omit it to have one generated)", name("hmac"))
		}
	}
	return nil
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// newPinlessSIPURI issues a static SIP address like Daily's
// "<name_prefix or user>--<unix ms>@daily-<domain id>-pinless-sip…". Caller holds s.mu.
func (s *Server) newPinlessSIPURI(prefix string) string {
	user := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '-'
	}, prefix)
	if user == "" {
		user = "user"
	}
	ms := s.now().UnixMilli()
	if ms <= s.lastSIPMs {
		ms = s.lastSIPMs + 1 // several entries in one write still get distinct addresses
	}
	s.lastSIPMs = ms
	uri := fmt.Sprintf("%s--%d@daily-%s-pinless-sip.%s", user, ms, s.domainID, sipHostSuffix)
	s.issuedSIP[uri] = true
	return uri
}

// entriesOf returns the entries of one kind in array order. Caller holds s.mu.
func (st *state) entriesOf(kind string) []*dialinEntry {
	var out []*dialinEntry
	for _, e := range st.entries {
		if e.kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// entryByPhone finds the entry using number, other than skip. Caller holds s.mu.
func (st *state) entryByPhone(number string, skip *dialinEntry) *dialinEntry {
	for _, e := range st.entries {
		if e != skip && number != "" && e.get("phone_number") == number {
			return e
		}
	}
	return nil
}

// arrayJSON is a kind's entries as the domain config shows them. Caller holds s.mu.
func (st *state) arrayJSON(kind string) []object {
	out := []object{}
	for _, e := range st.entriesOf(kind) {
		out = append(out, e.fields.clone())
	}
	return out
}

// PinlessDialin returns a copy of the domain's current pinless_dialin array.
func (s *Server) PinlessDialin() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, e := range s.entriesOf(kindPinless) {
		raw, _ := json.Marshal(e.fields)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		out = append(out, m)
	}
	return out
}
