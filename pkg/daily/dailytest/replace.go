package dailytest

// replaceEntries makes list the whole array of one kind (POST / semantics). An incoming entry
// that matches an existing one — same phone_number; for a SIP-only entry the sip_uri it sends
// back, else the same name_prefix — keeps that entry's id, creation time and sip_uri. A new
// pinless entry keeps a sip_uri it sends only if the emulator issued it and no other entry
// holds it (a restore), else it gets a fresh one. Pinless entries without hmac get a new
// secret: Daily rotates it on every write that omits it. Caller holds s.mu; list is valid.
func (s *Server) replaceEntries(kind string, list []object) {
	old := s.entriesOf(kind)
	used := map[*dialinEntry]bool{}
	find := func(pred func(*dialinEntry) bool) *dialinEntry {
		for _, e := range old {
			if !used[e] && pred(e) {
				used[e] = true
				return e
			}
		}
		return nil
	}
	matched := make([]*dialinEntry, len(list))
	for i, o := range list {
		phone, sip, prefix := fieldString(o, "phone_number"), fieldString(o, "sip_uri"), fieldString(o, "name_prefix")
		switch {
		case phone != "":
			matched[i] = find(func(e *dialinEntry) bool { return e.get("phone_number") == phone })
		case sip != "":
			matched[i] = find(func(e *dialinEntry) bool { return e.get("phone_number") == "" && e.get("sip_uri") == sip })
		}
		if matched[i] == nil && phone == "" {
			matched[i] = find(func(e *dialinEntry) bool { return e.get("phone_number") == "" && e.get("name_prefix") == prefix })
		}
	}

	held := map[string]bool{}
	fresh := make([]object, len(list))
	for i, o := range list {
		f := o.clone()
		if kind == kindPinless {
			if !f.set("hmac") {
				f["hmac"] = rawString(newHMACSecret())
			}
			if m := matched[i]; m != nil && m.get("sip_uri") != "" {
				f["sip_uri"] = rawString(m.get("sip_uri"))
				held[m.get("sip_uri")] = true
			}
		}
		fresh[i] = f
	}
	next := make([]*dialinEntry, len(list))
	for i, f := range fresh {
		if kind == kindPinless && (matched[i] == nil || matched[i].get("sip_uri") == "") {
			sent := fieldString(list[i], "sip_uri")
			if sent == "" || !s.issuedSIP[sent] || held[sent] {
				sent = s.newPinlessSIPURI(fieldString(f, "name_prefix"))
			}
			f["sip_uri"] = rawString(sent)
			held[sent] = true
		}
		e := matched[i]
		if e == nil {
			e = &dialinEntry{id: newUUID(), kind: kind, created: s.now(), seq: s.nextSeq()}
		}
		e.fields = f
		next[i] = e
	}

	var kept []*dialinEntry
	for _, e := range s.entries {
		if e.kind != kind {
			kept = append(kept, e)
		}
	}
	s.entries = append(kept, next...)
}
