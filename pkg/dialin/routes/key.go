package routes

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
)

// Key names one entry of the array: a phone number in E.164, or for a SIP-interconnect entry
// (no number) its name prefix. Keys are comparable and can index maps.
type Key struct {
	Number  string // E.164; empty for a SIP-interconnect entry
	SIPName string // the name_prefix of a SIP-interconnect entry
}

// String is the number, or "sip:" and the name prefix.
func (k Key) String() string {
	if k.Number != "" {
		return k.Number
	}
	return "sip:" + k.SIPName
}

// IsSIP reports whether the key names a SIP-interconnect entry.
func (k Key) IsSIP() bool { return k.Number == "" }

// ParseKey reads a key as users type it: "sip:NAME" names a SIP-interconnect entry, anything
// else is a phone number in any spelling phone.Normalize accepts.
func ParseKey(s, defaultRegion string) (Key, error) {
	s = strings.TrimSpace(s)
	if name, ok := strings.CutPrefix(s, "sip:"); ok {
		if name == "" {
			return Key{}, fmt.Errorf("route key %q: a SIP entry needs a name prefix after \"sip:\"", s)
		}
		return Key{SIPName: name}, nil
	}
	n, err := phone.Normalize(s, defaultRegion)
	if err != nil {
		return Key{}, err
	}
	return Key{Number: n}, nil
}

// NumberKey is the key of the entry for a number; number should already be E.164.
func NumberKey(number string) Key { return Key{Number: normalizeLoose(number)} }

// SIPKey is the key of the SIP-interconnect entry named name.
func SIPKey(name string) Key { return Key{SIPName: name} }

// KeyOf is the key of an entry. Its number is normalised, so an entry stored with an odd
// spelling still matches; a number that does not parse is used as written.
func KeyOf(e daily.PinlessDialinEntry) Key {
	if strings.TrimSpace(e.PhoneNumber) != "" {
		return Key{Number: normalizeLoose(e.PhoneNumber)}
	}
	return Key{SIPName: e.NamePrefix}
}

func normalizeLoose(number string) string {
	if n, err := phone.Normalize(number, ""); err == nil {
		return n
	}
	return strings.TrimSpace(number)
}

// find returns the index of the first entry with key k, or -1.
func find(entries []daily.PinlessDialinEntry, k Key) int {
	for i := range entries {
		if KeyOf(entries[i]) == k {
			return i
		}
	}
	return -1
}

// Hash identifies the content of an array ("sha256:" and 64 hex digits). It covers every
// field of every entry, unknown ones included, and the order of the entries; key order and
// whitespace inside an entry do not matter. Plans and the writer use it to notice that
// someone else changed the routes.
func Hash(entries []daily.PinlessDialinEntry) string {
	h := sha256.New()
	h.Write([]byte("["))
	for i := range entries {
		if i > 0 {
			h.Write([]byte(","))
		}
		h.Write(canonical(entries[i]))
	}
	h.Write([]byte("]"))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// canonical is the entry as JSON with sorted keys and no insignificant whitespace.
func canonical(e daily.PinlessDialinEntry) []byte {
	b, err := json.Marshal(e)
	if err != nil {
		return []byte(fmt.Sprintf("%#v", err))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // keep big integers in unknown fields exact
	var v any
	if dec.Decode(&v) != nil {
		return b
	}
	out, err := json.Marshal(v)
	if err != nil {
		return b
	}
	return out
}

// sameEntry reports whether a and b hold the same fields and values.
func sameEntry(a, b daily.PinlessDialinEntry) bool {
	return string(canonical(a)) == string(canonical(b))
}

// sameArray reports whether a and b hold the same entries in the same order.
func sameArray(a, b []daily.PinlessDialinEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameEntry(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Clone copies an array so that changing the copy's entries (their timeout_config included)
// leaves the original alone; unchanged entries still marshal to the bytes they were read from.
func Clone(entries []daily.PinlessDialinEntry) []daily.PinlessDialinEntry {
	if entries == nil {
		return nil
	}
	out := make([]daily.PinlessDialinEntry, len(entries))
	for i, e := range entries {
		out[i] = cloneEntry(e)
	}
	return out
}

func cloneEntry(e daily.PinlessDialinEntry) daily.PinlessDialinEntry {
	if e.TimeoutConfig != nil {
		tc := *e.TimeoutConfig
		e.TimeoutConfig = &tc
	}
	return e
}
