package dailytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// domainDefaults are the settable domain properties whose default Daily documents; GET /
// shows them with that default until they are set. POST / may set them (a value of the same
// JSON type) or reset them with null.
var domainDefaults = map[string]json.RawMessage{
	"hide_daily_branding":              json.RawMessage(`false`),
	"redirect_on_meeting_exit":         json.RawMessage(`""`),
	"hipaa":                            json.RawMessage(`false`),
	"intercom_auto_record":             json.RawMessage(`false`),
	"lang":                             json.RawMessage(`"en"`),
	"enable_advanced_chat":             json.RawMessage(`false`),
	"enable_breakout_rooms":            json.RawMessage(`false`),
	"enable_emoji_reactions":           json.RawMessage(`false`),
	"enable_hand_raising":              json.RawMessage(`false`),
	"enable_live_captions_ui":          json.RawMessage(`false`),
	"enable_network_ui":                json.RawMessage(`false`),
	"enable_noise_cancellation_ui":     json.RawMessage(`true`),
	"enable_people_ui":                 json.RawMessage(`true`),
	"enable_pip_ui":                    json.RawMessage(`false`),
	"enable_prejoin_ui":                json.RawMessage(`true`),
	"enable_video_processing_ui":       json.RawMessage(`true`),
	"enable_transcription_storage":     json.RawMessage(`false`),
	"enable_cpu_warning_notifications": json.RawMessage(`true`),
	"disable_rtmp_geo_fallback":        json.RawMessage(`false`),
	"enable_terse_logging":             json.RawMessage(`false`),
	"sfu_switchover":                   json.RawMessage(`0.5`),
	"enable_adaptive_simulcast":        json.RawMessage(`true`),
	"enforce_unique_user_ids":          json.RawMessage(`false`),
}

// domainOptional are the other documented domain properties, by JSON type: Daily documents
// no default (or null), so GET / shows them only once set. Daily's OpenAPI-generated SDKs
// send all of them.
var domainOptional = map[string]string{
	"meeting_join_hook":      "string",
	"geo":                    "string",
	"rtmp_geo":               "string",
	"transcription_bucket":   "object",
	"recordings_template":    "string",
	"transcription_template": "string",
	"enable_mesh_sfu":        "boolean",
	"recordings_bucket":      "object",
	"permissions":            "object",
	"batch_processor_bucket": "object",
	"enable_opus_fec":        "boolean",
}

// domainLimits are read-only account limits Daily shows in the config (observed by a third party).
var domainLimits = map[string]json.RawMessage{
	"max_api_keys":      json.RawMessage(`2`),
	"max_webhook_count": json.RawMessage(`1`),
}

// getDomain is GET /.
func (s *Server) getDomain(_ *http.Request, _ []string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.domainJSON(), nil
}

// domainJSON is the domain object of GET / and POST /. Caller holds s.mu.
func (s *Server) domainJSON() map[string]any {
	config := map[string]any{}
	for k, v := range domainDefaults {
		config[k] = v
	}
	for k, v := range s.domainProps {
		config[k] = v
	}
	for k, v := range domainLimits {
		config[k] = v
	}
	config[kindPinless] = s.arrayJSON(kindPinless)
	config[kindPin] = s.arrayJSON(kindPin)
	return map[string]any{"domain_name": s.domainName, "domain_id": s.domainID, "config": config}
}

// setDomain is POST / {"properties": {…}}. Everything is validated before anything changes.
// pinless_dialin and pin_dialin each replace their whole array when present (null or []
// empties it); entries that omit hmac get a new one.
func (s *Server) setDomain(r *http.Request, _ []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	props, ok, e := body.obj("properties")
	if e != nil {
		return nil, e
	}
	if !ok {
		return nil, badRequest(`properties is required: {"properties": {…}}`)
	}
	s.mu.Lock()
	for k, v := range props {
		if e := checkDomainProperty(k, v); e != nil {
			s.mu.Unlock()
			return nil, e
		}
	}
	arrays := map[string][]object{}
	for _, kind := range []string{kindPinless, kindPin} {
		if raw, ok := props[kind]; ok {
			list, e := s.parseEntryArray(kind, raw)
			if e != nil {
				s.mu.Unlock()
				return nil, e
			}
			arrays[kind] = list
		}
	}
	if e := s.checkNumbersUnique(arrays); e != nil {
		s.mu.Unlock()
		return nil, e
	}
	for k, v := range props {
		switch {
		case k == kindPinless || k == kindPin:
		case isNull(v):
			delete(s.domainProps, k)
		default:
			s.domainProps[k] = v
		}
	}
	var targets []verification
	if list, ok := arrays[kindPinless]; ok {
		s.replaceEntries(kindPinless, list)
		targets = s.pinlessVerifications()
	}
	if list, ok := arrays[kindPin]; ok {
		s.replaceEntries(kindPin, list)
	}
	out := s.domainJSON()
	s.mu.Unlock()
	s.sendPinlessVerifications(targets)
	return out, nil
}

func checkDomainProperty(key string, v json.RawMessage) *apiError {
	if key == kindPinless || key == kindPin {
		return nil
	}
	if _, ro := domainLimits[key]; ro {
		return badRequest("%s is read-only", key)
	}
	kind, known := domainOptional[key]
	if def, ok := domainDefaults[key]; ok {
		kind, known = jsonType(def), true
	}
	if !known {
		return badRequest("%s is not a valid domain property", key)
	}
	if !isNull(v) && jsonType(v) != kind {
		return badRequest("%s must be %s", key, withArticle(kind))
	}
	return nil
}

// withArticle is "an object", "a boolean": a JSON type in an error message.
func withArticle(kind string) string {
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

func jsonType(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return "value"
	case raw[0] == '"':
		return "string"
	case raw[0] == 't' || raw[0] == 'f':
		return "boolean"
	case raw[0] == '{':
		return "object"
	case raw[0] == '[':
		return "array"
	case raw[0] == 'n':
		return "null"
	}
	return "number"
}

// parseEntryArray validates the value of pinless_dialin or pin_dialin. Caller holds s.mu.
func (s *Server) parseEntryArray(kind string, raw json.RawMessage) ([]object, *apiError) {
	if isNull(raw) {
		return nil, nil
	}
	var items []json.RawMessage
	if jsonType(raw) != "array" || json.Unmarshal(raw, &items) != nil {
		return nil, badRequest("%s must be an array of objects", kind)
	}
	list := make([]object, 0, len(items))
	for i, item := range items {
		var o object
		if jsonType(item) != "object" || json.Unmarshal(item, &o) != nil {
			return nil, badRequest("%s[%d] must be an object", kind, i)
		}
		if e := s.validateEntry(kind, indexed(kind, i), o); e != nil {
			return nil, e
		}
		list = append(list, o)
	}
	return list, nil
}

// checkNumbersUnique checks that, after the write, each number is in at most one entry of
// either kind. arrays holds the arrays being replaced. Caller holds s.mu.
func (s *Server) checkNumbersUnique(arrays map[string][]object) *apiError {
	owner := map[string]string{}
	for _, kind := range []string{kindPinless, kindPin} {
		list, replacing := arrays[kind]
		if !replacing {
			for _, e := range s.entriesOf(kind) {
				list = append(list, e.fields)
			}
		}
		for _, o := range list {
			n := fieldString(o, "phone_number")
			if n == "" {
				continue
			}
			switch owner[n] {
			case "":
				owner[n] = kind
			case kind:
				return badRequest("phone_number %s appears more than once in %s", n, kind)
			default:
				return badRequest("phone_number %s is in both pinless_dialin and pin_dialin; a number is either pinless or PIN dial-in", n)
			}
		}
	}
	return nil
}

func indexed(kind string, i int) string { return fmt.Sprintf("%s[%d]", kind, i) }
