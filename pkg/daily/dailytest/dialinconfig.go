package dailytest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// dialinConfigJSON is a /domain-dialin-config object: id, type and the entry's fields, with
// sip_uri a string for pinless and null for pin (as in Daily's list example).
func dialinConfigJSON(e *dialinEntry) map[string]any {
	config := e.fields.clone()
	if e.kind == kindPin {
		config["sip_uri"] = []byte("null")
	}
	return map[string]any{"id": e.id, "type": e.kind, "config": config}
}

// entryByID finds a dial-in config. Caller holds s.mu.
func (st *state) entryByID(id string) *dialinEntry {
	for _, e := range st.entries {
		if e.id == id {
			return e
		}
	}
	return nil
}

func checkKind(t string) *apiError {
	if t != kindPinless && t != kindPin {
		return badRequest("type must be pinless_dialin or pin_dialin, got %q", t)
	}
	return nil
}

// checkNumberFree refuses a number another config (of either type) already uses. Caller holds s.mu.
func (s *Server) checkNumberFree(o object, self *dialinEntry) *apiError {
	n := fieldString(o, "phone_number")
	if other := s.entryByPhone(n, self); other != nil {
		return badRequest("phone_number %s is already used by dial-in config %s (%s); update that config or delete it first", n, other.id, other.kind)
	}
	return nil
}

// createDialinConfig is POST /domain-dialin-config. A pinless config may omit phone_number
// (SIP interconnect only); it gets an hmac if it has none and a new sip_uri.
func (s *Server) createDialinConfig(r *http.Request, _ []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	kind, ok, e := body.str("type")
	if e != nil {
		return nil, e
	}
	if !ok {
		return nil, badRequest("type is required (pinless_dialin or pin_dialin)")
	}
	if e := checkKind(kind); e != nil {
		return nil, e
	}
	fields := body.clone()
	delete(fields, "type")
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.validateEntry(kind, "", fields); e != nil {
		return nil, e
	}
	if e := s.checkNumberFree(fields, nil); e != nil {
		return nil, e
	}
	if kind == kindPinless {
		if !fields.set("hmac") {
			fields["hmac"] = rawString(newHMACSecret())
		}
		sent := fieldString(fields, "sip_uri")
		if sent == "" || !s.issuedSIP[sent] || s.sipURIHeld(sent) {
			sent = s.newPinlessSIPURI(fieldString(fields, "name_prefix"))
		}
		fields["sip_uri"] = rawString(sent)
	}
	entry := &dialinEntry{id: newUUID(), kind: kind, created: s.now(), seq: s.nextSeq(), fields: fields}
	s.entries = append(s.entries, entry)
	return dialinConfigJSON(entry), nil
}

// sipURIHeld reports whether an entry already has uri. Caller holds s.mu.
func (st *state) sipURIHeld(uri string) bool {
	return slices.ContainsFunc(st.entries, func(e *dialinEntry) bool { return e.get("sip_uri") == uri })
}

// getDialinConfig is GET /domain-dialin-config/:id.
func (s *Server) getDialinConfig(_ *http.Request, p []string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entryByID(p[0])
	if e == nil {
		return nil, notFound("dial-in config %s not found", p[0])
	}
	return dialinConfigJSON(e), nil
}

// updateDialinConfig is PUT /domain-dialin-config/:id with merge semantics: fields sent
// replace, null removes, the rest stays. type cannot change; sip_uri is read-only.
func (s *Server) updateDialinConfig(r *http.Request, p []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	entry := s.entryByID(p[0])
	if entry == nil {
		return nil, notFound("dial-in config %s not found", p[0])
	}
	if t, ok, e := body.str("type"); e != nil || (ok && t != entry.kind) {
		return nil, badRequest("type cannot be changed (this config is %s); delete it and create a new one", entry.kind)
	}
	merged := entry.fields.clone()
	for k, v := range body {
		switch {
		case k == "type" || k == "id" || k == "sip_uri":
		case isNull(v):
			delete(merged, k)
		default:
			merged[k] = v
		}
	}
	if e := s.validateEntry(entry.kind, "", merged); e != nil {
		return nil, e
	}
	if e := s.checkNumberFree(merged, entry); e != nil {
		return nil, e
	}
	if entry.kind == kindPinless && !merged.set("hmac") {
		merged["hmac"] = rawString(newHMACSecret())
	}
	entry.fields = merged
	return dialinConfigJSON(entry), nil
}

// deleteDialinConfig is DELETE /domain-dialin-config/:id.
func (s *Server) deleteDialinConfig(_ *http.Request, p []string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.entries, func(e *dialinEntry) bool { return e.id == p[0] })
	if i < 0 {
		return nil, notFound("dial-in config %s not found", p[0])
	}
	s.entries = slices.Delete(slices.Clone(s.entries), i, i+1)
	return map[string]string{"status": "ok"}, nil
}

// listDialinConfigs is GET /domain-dialin-config: newest first, at most 100 per page, with
// Daily's filters (phone_number and each of phone_numbers match substrings; sip_username is
// the user part of sip_uri; name_prefix and type match exactly).
func (s *Server) listDialinConfigs(r *http.Request, _ []string) (any, *apiError) {
	q := r.URL.Query()
	pg, e := parsePage(q, 100)
	if e != nil {
		return nil, e
	}
	kind := q.Get("type")
	if kind != "" {
		if e := checkKind(kind); e != nil {
			return nil, e
		}
	}
	var numbers []string
	for _, n := range strings.Split(q.Get("phone_numbers"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			numbers = append(numbers, n)
		}
	}
	phone, sipUser, prefix := q.Get("phone_number"), q.Get("sip_username"), q.Get("name_prefix")
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*dialinEntry
	for _, e := range s.entries {
		num := e.get("phone_number")
		user, _, _ := strings.Cut(e.get("sip_uri"), "@")
		switch {
		case kind != "" && e.kind != kind,
			phone != "" && !strings.Contains(num, phone),
			len(numbers) > 0 && !slices.ContainsFunc(numbers, func(n string) bool { return num != "" && strings.Contains(num, n) }),
			sipUser != "" && user != sipUser,
			prefix != "" && e.get("name_prefix") != prefix:
			continue
		}
		all = append(all, e)
	}
	sortNewestFirst(all, func(e *dialinEntry) (time.Time, int64) { return e.created, e.seq })
	page, e := paginate(all, func(e *dialinEntry) string { return e.id }, pg)
	if e != nil {
		return nil, e
	}
	data := make([]map[string]any, len(page))
	for i, entry := range page {
		data[i] = dialinConfigJSON(entry)
	}
	return map[string]any{"total_count": len(all), "data": data}, nil
}
