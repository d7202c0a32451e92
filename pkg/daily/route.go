package daily

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// TimeoutConfig is the message Daily speaks when no room took a held call in time.
type TimeoutConfig struct {
	Message string `json:"message"`
}

// PinlessDialinEntry is one element of the domain's pinless_dialin array: a purchased number
// (or, without PhoneNumber, a SIP-interconnect entry) and the webhook Daily calls for it.
//
// Daily replaces the whole array on every write, so an entry read from Daily must be written
// back unchanged. Fields this type does not model are kept in Extra, and an entry whose known
// fields were not changed since it was decoded marshals to exactly the bytes it was read from.
type PinlessDialinEntry struct {
	PhoneNumber     string         `json:"phone_number,omitempty"`
	RoomCreationAPI string         `json:"room_creation_api,omitempty"`
	NamePrefix      string         `json:"name_prefix,omitempty"`
	HMAC            string         `json:"hmac,omitempty"`
	HoldMusicURL    string         `json:"hold_music_url,omitempty"`
	TimeoutConfig   *TimeoutConfig `json:"timeout_config,omitempty"`
	// SIPURI is read-only on Daily's side: the entry's static SIP address.
	SIPURI string `json:"sip_uri,omitempty"`

	// Extra holds every field Daily returned that the fields above do not model.
	Extra map[string]json.RawMessage `json:"-"`

	raw     json.RawMessage // the bytes this entry was decoded from
	decoded *entryFields    // the known fields as decoded, to tell whether they changed
}

// entryFields is PinlessDialinEntry without its methods: encoding/json makes of it the
// modelled fields alone (Extra is "-" and the rest is unexported).
type entryFields PinlessDialinEntry

// pinlessKnownKeys are the JSON names of the modelled fields, read from their tags.
var pinlessKnownKeys = jsonNames(reflect.TypeFor[entryFields]())

func jsonNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.IsExported() && name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// known is the entry's modelled fields alone, with a copy of TimeoutConfig.
func (e *PinlessDialinEntry) known() entryFields {
	k := entryFields(*e)
	k.Extra, k.raw, k.decoded = nil, nil, nil
	if e.TimeoutConfig != nil {
		c := *e.TimeoutConfig
		k.TimeoutConfig = &c
	}
	return k
}

// UnmarshalJSON decodes the known fields, keeps the rest in Extra and remembers the raw bytes.
func (e *PinlessDialinEntry) UnmarshalJSON(data []byte) error {
	var k entryFields
	if err := json.Unmarshal(data, &k); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	extra := map[string]json.RawMessage{}
	for key, v := range all {
		if !pinlessKnownKeys[key] {
			extra[key] = v
		}
	}
	*e = PinlessDialinEntry(k)
	if len(extra) > 0 {
		e.Extra = extra
	}
	e.raw = append(json.RawMessage(nil), data...)
	d := e.known()
	e.decoded = &d
	return nil
}

// MarshalJSON writes the raw bytes back when nothing changed, else the fields plus Extra.
func (e PinlessDialinEntry) MarshalJSON() ([]byte, error) {
	if e.raw != nil && e.decoded != nil && reflect.DeepEqual(e.known(), *e.decoded) && sameExtra(e.Extra, e.raw) {
		return e.raw, nil
	}
	kb, err := json.Marshal(e.known())
	if err != nil {
		return nil, err
	}
	if len(e.Extra) == 0 {
		return kb, nil
	}
	var merged map[string]json.RawMessage
	if err := json.Unmarshal(kb, &merged); err != nil {
		return nil, err
	}
	for k, v := range e.Extra {
		if !pinlessKnownKeys[k] {
			merged[k] = v
		}
	}
	return json.Marshal(merged)
}

// sameExtra reports whether extra still holds exactly the unknown fields of raw.
func sameExtra(extra map[string]json.RawMessage, raw json.RawMessage) bool {
	var all map[string]json.RawMessage
	if json.Unmarshal(raw, &all) != nil {
		return false
	}
	n := 0
	for k, v := range all {
		if pinlessKnownKeys[k] {
			continue
		}
		n++
		if w, ok := extra[k]; !ok || !bytes.Equal(w, v) {
			return false
		}
	}
	return n == len(extra)
}

// Key identifies the entry within the array: its phone number, or for a SIP-interconnect
// entry with no number, "sip:" plus its name prefix.
func (e *PinlessDialinEntry) Key() string {
	if e.PhoneNumber != "" {
		return e.PhoneNumber
	}
	return "sip:" + e.NamePrefix
}
