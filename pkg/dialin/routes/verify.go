package routes

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/dialin-project/dialin/pkg/daily"
)

// checkWritten compares what was read back after a write with what was sent. Every entry
// sent must be there with the same content, and nothing else may be: a missing, altered or
// extra entry means someone else wrote at the same time (or the store did not keep the
// write). The only fields Daily may fill in are the ones the entry was sent without: sip_uri
// (Daily assigns one to a new entry) and hmac (Daily generates one when none is sent).
func checkWritten(sent, written []daily.PinlessDialinEntry) error {
	got := map[Key][]daily.PinlessDialinEntry{}
	for _, e := range written {
		k := KeyOf(e)
		got[k] = append(got[k], e)
	}
	for _, s := range sent {
		k := KeyOf(s)
		list := got[k]
		if len(list) == 0 {
			return fmt.Errorf("route %s is missing after the write", k)
		}
		w := list[0]
		got[k] = list[1:]
		if !sameAsSent(s, w) {
			return fmt.Errorf("route %s reads back different from what was written", k)
		}
	}
	for k, rest := range got {
		if len(rest) > 0 {
			return fmt.Errorf("route %s appeared that was not written (another writer?)", k)
		}
	}
	return nil
}

// sameAsSent reports whether written is sent, allowing the fields Daily fills in.
func sameAsSent(sent, written daily.PinlessDialinEntry) bool {
	s, w := fieldsOf(sent), fieldsOf(written)
	if s == nil || w == nil {
		return false
	}
	for _, filled := range []string{"sip_uri", "hmac"} {
		if _, ok := s[filled]; !ok {
			delete(w, filled)
		}
	}
	if len(s) != len(w) {
		return false
	}
	for k, v := range s {
		if !bytes.Equal(v, w[k]) {
			return false
		}
	}
	return true
}

// fieldsOf is the entry's fields, each value in canonical JSON.
func fieldsOf(e daily.PinlessDialinEntry) map[string][]byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(canonical(e), &m) != nil {
		return nil
	}
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
