package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Call is the pinless dial-in webhook Daily posts to a route's room_creation_api when a call
// arrives and is put on hold (reference §8.2). To is the dialled number, From the caller.
type Call struct {
	To         string            `json:"To"`
	From       string            `json:"From"`
	CallID     string            `json:"callId"`
	CallDomain string            `json:"callDomain"`
	SIPHeaders map[string]string `json:"sipHeaders,omitempty"`
}

// maxIDLen bounds callId and callDomain (UUIDs on Daily) since they go into API requests.
const maxIDLen = 128

// ErrNotObject is returned for a body that is not one JSON object.
var ErrNotObject = errors.New("body is not a JSON object")

// DecodeCall decodes a dial-in webhook body strictly: exactly one JSON object, string fields
// where strings are expected, callId and callDomain present and plain. It reports test=true for
// Daily's verification request (a body without callId, such as {"Test":"test"} or {"To":…}),
// which a server answers 200 and otherwise ignores. Values of To, From and sipHeaders are kept
// byte for byte: they are the caller's, and whoever uses them must treat them as data.
func DecodeCall(body []byte) (call *Call, test bool, err error) {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, false, ErrNotObject
	}
	if dec.More() {
		return nil, false, fmt.Errorf("%w: trailing data after the object", ErrNotObject)
	}
	if _, ok := fields["callId"]; !ok {
		return nil, true, nil
	}
	c := &Call{}
	for name, dst := range map[string]*string{"To": &c.To, "From": &c.From, "callId": &c.CallID, "callDomain": &c.CallDomain} {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return nil, false, fmt.Errorf("field %s: must be a string", name)
		}
	}
	if raw, ok := fields["sipHeaders"]; ok && string(raw) != "null" {
		h, err := decodeHeaders(raw)
		if err != nil {
			return nil, false, err
		}
		c.SIPHeaders = h
	}
	for name, v := range map[string]string{"callId": c.CallID, "callDomain": c.CallDomain} {
		if err := checkID(name, v); err != nil {
			return nil, false, err
		}
	}
	if err := checkNoControl(c); err != nil {
		return nil, false, err
	}
	return c, false, nil
}

// decodeHeaders accepts an object of strings; numbers and booleans are kept as their JSON text.
func decodeHeaders(raw json.RawMessage) (map[string]string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errors.New("field sipHeaders: must be an object of strings")
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		var s string
		switch {
		case json.Unmarshal(v, &s) == nil:
			out[k] = s
		case len(v) > 0 && v[0] != '{' && v[0] != '[':
			out[k] = string(v)
		default:
			return nil, fmt.Errorf("field sipHeaders.%s: must be a string", printable(k))
		}
	}
	return out, nil
}

// checkID requires a non-empty identifier of letters, digits and - _ . : @ only.
func checkID(name, v string) error {
	if v == "" {
		return fmt.Errorf("field %s: required", name)
	}
	if len(v) > maxIDLen {
		return fmt.Errorf("field %s: longer than %d characters", name, maxIDLen)
	}
	for _, r := range v {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:@", r)
		if !ok {
			return fmt.Errorf("field %s: only letters, digits and - _ . : @ are allowed", name)
		}
	}
	return nil
}

// printable shortens and escapes a caller-controlled string for an error message.
func printable(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	q := fmt.Sprintf("%q", s)
	return q[1 : len(q)-1]
}

// checkNoControl refuses a call whose To, From or SIP headers hold a control character
// (C0, DEL or C1; a NUL among them). Such a value cannot be passed the same way everywhere
// (argv cannot hold a NUL, logs and terminals act on the others), so the bot, the rules and
// the logs would see different numbers: serve refuses the call instead (400), one rule for
// every place the values go.
func checkNoControl(c *Call) error {
	for name, v := range map[string]string{"To": c.To, "From": c.From} {
		if r, ok := firstControl(v); ok {
			return fmt.Errorf("field %s: control character %U is not allowed", name, r)
		}
	}
	for k, v := range c.SIPHeaders {
		if r, ok := firstControl(k); ok {
			return fmt.Errorf("field sipHeaders: control character %U in a header name is not allowed", r)
		}
		if r, ok := firstControl(v); ok {
			return fmt.Errorf("field sipHeaders.%s: control character %U is not allowed", printable(k), r)
		}
	}
	return nil
}

func firstControl(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) {
			return r, true
		}
	}
	return 0, false
}
