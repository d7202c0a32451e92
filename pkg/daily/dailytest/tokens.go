package dailytest

import (
	"encoding/json"
	"net/http"
)

// tokenClaims maps meeting-token properties to Daily's short claim names (reference §6.2);
// properties without a documented abbreviation keep their name.
var tokenClaims = map[string]string{
	"nbf": "nbf", "exp": "exp", "domain_id": "d", "room_name": "r", "user_id": "ud", "user_name": "u",
	"is_owner": "o", "knocking": "k", "close_tab_on_exit": "ctoe", "redirect_on_meeting_exit": "rome",
	"intercom_join_alert": "ij", "start_cloud_recording": "sr", "start_cloud_recording_opts": "sro",
	"auto_start_transcription": "ast", "enable_recording": "er", "enable_screenshare": "ss",
	"start_video_off": "vo", "start_audio_off": "ao", "meeting_join_hook": "mjh",
	"eject_at_token_exp": "ejt", "eject_after_elapsed": "eje", "lang": "uil",
	"enable_recording_ui": "erui", "permissions": "p",
	"enable_prejoin_ui": "enable_prejoin_ui", "enable_live_captions_ui": "enable_live_captions_ui",
	"enable_terse_logging": "enable_terse_logging",
}

// tokenPropKinds are the JSON types of the token properties (others: any type).
var tokenPropKinds = map[string]string{
	"room_name": "string", "user_id": "string", "user_name": "string", "is_owner": "boolean",
	"eject_at_token_exp": "boolean", "eject_after_elapsed": "number", "start_video_off": "boolean",
	"start_audio_off": "boolean", "enable_screenshare": "boolean", "lang": "string",
	"permissions": "object", "knocking": "boolean", "close_tab_on_exit": "boolean",
}

// createMeetingToken is POST /meeting-tokens {"properties": {…}} → {"token": <HS256 JWT>}.
func (s *Server) createMeetingToken(r *http.Request, _ []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	props, _, e := body.obj("properties")
	if e != nil {
		return nil, e
	}
	now := s.now()
	claims := map[string]any{"d": s.domainID, "iat": now.Unix()}
	for k, v := range props {
		short, ok := tokenClaims[k]
		if !ok || k == "domain_id" {
			return nil, badRequest("%s is not a valid meeting token property", k)
		}
		if isNull(v) {
			continue
		}
		if e := checkTokenProp(k, v, unixSeconds(now)); e != nil {
			return nil, e
		}
		claims[short] = json.RawMessage(v)
	}
	token, err := signHS256(claims, s.APIKey)
	if err != nil {
		return nil, badRequest("could not encode meeting token properties")
	}
	return map[string]string{"token": token}, nil
}

func checkTokenProp(k string, v json.RawMessage, now float64) *apiError {
	switch k {
	case "exp", "nbf":
		n, ok := asSeconds(v)
		if !ok {
			return badRequest("%s was '%s' but should be a number of seconds since the unix epoch", k, rawText(v))
		}
		if k == "exp" && n <= now {
			return badRequest("exp was '%s', which is in the past rather than in the future", rawText(v))
		}
		return nil
	case "user_id":
		if s, ok := asString(v); ok && len(s) > 36 {
			return badRequest("user_id must be at most 36 characters")
		}
	}
	want, ok := tokenPropKinds[k]
	if !ok {
		return nil
	}
	if want == "integer" {
		if _, ok := asInteger(v); !ok {
			return badRequest("%s must be an integer", k)
		}
		return nil
	}
	if jsonType(v) != want {
		return badRequest("%s must be a %s", k, want)
	}
	return nil
}

func asString(v json.RawMessage) (string, bool) {
	var s string
	return s, json.Unmarshal(v, &s) == nil
}

// getMeetingToken is GET /meeting-tokens/:token: a valid token answers its properties under
// their long names; an invalid one is 400 (the token itself is never echoed).
func (s *Server) getMeetingToken(_ *http.Request, p []string) (any, *apiError) {
	claims, err := s.VerifyMeetingToken(p[0])
	if err != nil {
		return nil, badRequest("%s", err.Error())
	}
	long := map[string]string{}
	for name, short := range tokenClaims {
		long[short] = name
	}
	out := map[string]any{}
	for k, v := range claims {
		if name, ok := long[k]; ok {
			out[name] = v
		} else {
			out[k] = v
		}
	}
	return out, nil
}
