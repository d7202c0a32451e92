package dailytest

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
)

const maxBodyBytes = 1 << 20

// object is a decoded JSON object whose values stay raw, so fields the emulator does not model
// are stored and echoed exactly as sent.
type object map[string]json.RawMessage

// readObject reads a request body that must be a JSON object; an empty body is {}.
func readObject(r *http.Request) (object, *apiError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, badRequest("could not read request body")
	}
	if len(data) > maxBodyBytes {
		return nil, badRequest("request body is larger than 1 MiB")
	}
	return parseObject(data)
}

func parseObject(data []byte) (object, *apiError) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return object{}, nil
	}
	if !json.Valid(data) {
		return nil, &apiError{status: http.StatusBadRequest, kind: "json-parsing-error", info: "request body is not valid JSON"}
	}
	if data[0] != '{' {
		return nil, badRequest("request body must be a JSON object")
	}
	var o object
	if err := json.Unmarshal(data, &o); err != nil {
		return nil, &apiError{status: http.StatusBadRequest, kind: "json-parsing-error", info: "request body is not valid JSON"}
	}
	return o, nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// set reports whether key is present with a non-null value.
func (o object) set(key string) bool {
	v, ok := o[key]
	return ok && !isNull(v)
}

// str returns the string at key; ok is false when the key is absent or null.
func (o object) str(key string) (s string, ok bool, e *apiError) {
	if !o.set(key) {
		return "", false, nil
	}
	if err := json.Unmarshal(o[key], &s); err != nil {
		return "", false, badRequest("%s must be a string", key)
	}
	return s, true, nil
}

// boolean returns the bool at key; ok is false when the key is absent or null.
func (o object) boolean(key string) (b bool, ok bool, e *apiError) {
	if !o.set(key) {
		return false, false, nil
	}
	if err := json.Unmarshal(o[key], &b); err != nil {
		return false, false, badRequest("%s must be true or false", key)
	}
	return b, true, nil
}

// integer returns the whole number at key; ok is false when the key is absent or null.
func (o object) integer(key string) (n int64, ok bool, e *apiError) {
	if !o.set(key) {
		return 0, false, nil
	}
	n, good := asInteger(o[key])
	if !good {
		return 0, false, badRequest("%s must be an integer", key)
	}
	return n, true, nil
}

// asSeconds decodes a time in seconds sent as any JSON number, rounded down: Pipecat sends
// a room's exp as time.time()+hours*3600, a fraction, and Daily accepts it. The room keeps
// the number as sent.
func asSeconds(raw json.RawMessage) (int64, bool) {
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(math.Floor(f)), true
}

// asInteger decodes a JSON number with no fractional part.
func asInteger(raw json.RawMessage) (int64, bool) {
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, false
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// obj returns the object at key; ok is false when the key is absent or null.
func (o object) obj(key string) (v object, ok bool, e *apiError) {
	if !o.set(key) {
		return nil, false, nil
	}
	raw := bytes.TrimSpace(o[key])
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false, badRequest("%s must be an object", key)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, false, badRequest("%s must be an object", key)
	}
	return v, true, nil
}

// strList returns the array of strings at key; ok is false when the key is absent or null.
func (o object) strList(key string) (l []string, ok bool, e *apiError) {
	if !o.set(key) {
		return nil, false, nil
	}
	if err := json.Unmarshal(o[key], &l); err != nil {
		return nil, false, badRequest("%s must be an array of strings", key)
	}
	return l, true, nil
}

// clone copies the object; values are shared but never mutated in place.
func (o object) clone() object {
	c := make(object, len(o))
	for k, v := range o {
		c[k] = v
	}
	return c
}

// rawText is how Daily quotes a bad value in an info text: strings without JSON quotes.
func rawText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

func rawString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

func rawInt(n int64) json.RawMessage { return json.RawMessage(strconv.FormatInt(n, 10)) }

// toAny decodes a raw value into plain Go values (for copies handed to tests).
func toAny(raw json.RawMessage) any {
	var v any
	_ = json.Unmarshal(raw, &v)
	return v
}
