package dailytest

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"
)

// roomProp is a room property the emulator accepts: its JSON type and, when Daily documents
// one, its default (a property set to its default is not echoed in config).
type roomProp struct {
	kind string // "boolean", "integer", "number", "string", "object", "array"
	def  string // JSON of the default, "" when none is known
}

var roomProps = map[string]roomProp{
	"nbf": {"integer", ""}, "exp": {"integer", ""}, "max_participants": {"integer", "200"},
	"eject_at_room_exp": {"boolean", "false"}, "eject_after_elapsed": {"integer", ""},
	"enable_dialout": {"boolean", "false"}, "dialout_config": {"object", ""},
	"sip": {"object", ""}, "dialin": {"object", ""}, "geo": {"string", ""}, "rtmp_geo": {"string", ""},
	"enable_people_ui": {"boolean", ""}, "enable_pip_ui": {"boolean", ""}, "enable_emoji_reactions": {"boolean", ""},
	"enable_hand_raising": {"boolean", ""}, "enable_prejoin_ui": {"boolean", ""}, "enable_live_captions_ui": {"boolean", ""},
	"enable_network_ui": {"boolean", ""}, "enable_noise_cancellation_ui": {"boolean", ""}, "enable_breakout_rooms": {"boolean", ""},
	"enable_knocking": {"boolean", "false"}, "enable_screenshare": {"boolean", "true"}, "enable_video_processing_ui": {"boolean", ""},
	"enable_chat": {"boolean", "false"}, "enable_advanced_chat": {"boolean", "false"}, "enable_shared_chat_history": {"boolean", ""},
	"start_video_off": {"boolean", "false"}, "start_audio_off": {"boolean", "false"}, "owner_only_broadcast": {"boolean", "false"},
	"enable_recording": {"string", ""}, "lang": {"string", ""}, "meeting_join_hook": {"string", ""},
	"disable_rtmp_geo_fallback": {"boolean", "false"}, "recordings_bucket": {"object", ""}, "recordings_template": {"string", ""},
	"enable_terse_logging": {"boolean", "false"}, "enable_transcription_storage": {"boolean", "false"},
	"transcription_bucket": {"object", ""}, "enable_mesh_sfu": {"boolean", "false"}, "sfu_switchover": {"number", ""},
	"enable_adaptive_simulcast": {"boolean", ""}, "enable_multiparty_adaptive_simulcast": {"boolean", ""},
	"enforce_unique_user_ids": {"boolean", "false"}, "experimental_optimize_large_calls": {"boolean", "false"},
	"permissions": {"object", ""}, "signaling_impl": {"string", ""}, "enable_hidden_participants": {"boolean", "false"},
	"streaming_endpoints": {"array", ""}, "auto_start_transcription": {"boolean", "false"},
	"auto_transcription_settings": {"object", ""},
}

// readOnlyRoomProps appear in config but cannot be set.
var readOnlyRoomProps = []string{"sip_uri", "dialin_code"}

// isDefaultRoomProp reports whether v is the documented default of key (not echoed in config).
func isDefaultRoomProp(key string, v json.RawMessage) bool {
	def := roomProps[key].def
	if def == "" {
		return false
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) != nil {
		return false
	}
	return buf.String() == def
}

// validateRoomProps checks properties sent to create or update a room; null unsets.
func validateRoomProps(props object, now time.Time) *apiError {
	for k, v := range props {
		if isNull(v) {
			continue
		}
		if slices.Contains(readOnlyRoomProps, k) {
			return badRequest("%s is read-only", k)
		}
		spec, ok := roomProps[k]
		if !ok {
			return badRequest("%s is not a valid room property", k)
		}
		if e := checkRoomProp(k, spec, v, now); e != nil {
			return e
		}
	}
	if props.set("dialin") {
		if exp, ok := asSeconds(props["exp"]); ok && exp > now.Add(365*24*time.Hour).Unix() {
			return badRequest("exp must be less than 365 days in the future for a room with dialin")
		}
	}
	return nil
}

func checkRoomProp(k string, spec roomProp, v json.RawMessage, now time.Time) *apiError {
	switch k {
	case "exp", "nbf":
		n, ok := asSeconds(v)
		if !ok {
			return badRequest("%s was '%s' but should be a number of seconds since the unix epoch", k, rawText(v))
		}
		if k == "exp" && n <= now.Unix() {
			return badRequest("exp was '%d', which is in the past rather than in the future", n)
		}
		return nil
	case "sip":
		return validateSIP(v)
	}
	t := jsonType(v)
	switch spec.kind {
	case "integer":
		if _, ok := asInteger(v); !ok {
			return badRequest("%s must be an integer", k)
		}
	case t:
	default:
		return badRequest("%s must be a %s", k, spec.kind)
	}
	return nil
}

var sipAudioCodecs = []string{"PCMU", "PCMA", "G722", "OPUS"}
var sipVideoCodecs = []string{"H264", "VP8"}

// validateSIP checks properties.sip: display_name and sip_mode "dial-in" are required,
// num_endpoints is 1..5.
func validateSIP(v json.RawMessage) *apiError {
	var o object
	if jsonType(v) != "object" || json.Unmarshal(v, &o) != nil {
		return badRequest("sip must be an object")
	}
	if dn, ok, e := o.str("display_name"); e != nil || !ok || dn == "" {
		return badRequest("sip.display_name is required (a non-empty string)")
	}
	if mode, _, e := o.str("sip_mode"); e != nil || mode != "dial-in" {
		return badRequest(`sip.sip_mode is required and must be "dial-in"`)
	}
	if _, _, e := o.boolean("video"); e != nil {
		return badRequest("sip.video must be true or false")
	}
	n, hasN, e := o.integer("num_endpoints")
	if e != nil || (hasN && (n < 1 || n > 5)) {
		return badRequest("sip.num_endpoints must be an integer from 1 to 5")
	}
	digits, _, e := o.boolean("force_digit_only_username")
	if e != nil {
		return badRequest("sip.force_digit_only_username must be true or false")
	}
	if digits && n > 1 {
		return badRequest("sip.force_digit_only_username cannot be combined with num_endpoints > 1")
	}
	if p, ok, e := o.str("provider"); e != nil || (ok && p != "daily") {
		return badRequest(`sip.provider must be "daily"`)
	}
	if _, _, e := o.obj("dialin_config"); e != nil {
		return badRequest("sip.dialin_config must be an object")
	}
	codecs, _, e := o.obj("codecs")
	if e != nil {
		return badRequest("sip.codecs must be an object like {\"audio\": [\"OPUS\"]}")
	}
	for key, allowed := range map[string][]string{"audio": sipAudioCodecs, "video": sipVideoCodecs} {
		list, _, e := codecs.strList(key)
		if e != nil {
			return badRequest("sip.codecs.%s must be an array of strings", key)
		}
		for _, c := range list {
			if !slices.Contains(allowed, c) {
				return badRequest("sip.codecs.%s: %q is not supported (use %v)", key, c, allowed)
			}
		}
	}
	return nil
}
