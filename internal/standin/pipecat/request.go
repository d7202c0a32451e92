package pipecat

import (
	"encoding/json"
	"errors"
	"fmt"
)

// DialinSettings is DailyDialinRequest.dialin_settings (pipecat runner/types.py); note the
// capitalised To and From.
type DialinSettings struct {
	CallID     string            `json:"call_id"`
	CallDomain string            `json:"call_domain"`
	To         string            `json:"To,omitempty"`
	From       string            `json:"From,omitempty"`
	SIPHeaders map[string]string `json:"sip_headers,omitempty"`
}

// DialinRequest is Pipecat's DailyDialinRequest: the `body` a dial-in bot is started with.
type DialinRequest struct {
	DialinSettings DialinSettings `json:"dialin_settings"`
	DailyAPIKey    string         `json:"daily_api_key"`
	DailyAPIURL    string         `json:"daily_api_url"`
}

// StartRequest is the body of the runner's and Pipecat Cloud's POST …/start.
type StartRequest struct {
	Transport                   string          `json:"transport,omitempty"`
	CreateDailyRoom             bool            `json:"createDailyRoom"`
	DailyRoomProperties         map[string]any  `json:"dailyRoomProperties,omitempty"`
	DailyMeetingTokenProperties map[string]any  `json:"dailyMeetingTokenProperties,omitempty"`
	Body                        json.RawMessage `json:"body,omitempty"`
}

// StartAnswer is what …/start and the dial-in webhooks answer.
type StartAnswer struct {
	DailyRoom  string `json:"dailyRoom"`
	DailyToken string `json:"dailyToken"`
	SessionID  string `json:"sessionId"`
}

// ParseDialinRequest validates body as Pipecat's pydantic model does: dialin_settings with
// call_id and call_domain, daily_api_key and daily_api_url are required strings (empty
// strings pass, as in pydantic); To, From and sip_headers are optional; other fields are
// ignored. The error names the first field that fails.
func ParseDialinRequest(body json.RawMessage) (DialinRequest, error) {
	var top map[string]json.RawMessage
	if len(body) == 0 || json.Unmarshal(body, &top) != nil || top == nil {
		return DialinRequest{}, errors.New("body: must be a JSON object (a DailyDialinRequest)")
	}
	var settings map[string]json.RawMessage
	if raw, ok := top["dialin_settings"]; !ok || json.Unmarshal(raw, &settings) != nil || settings == nil {
		return DialinRequest{}, errors.New("body.dialin_settings: field required (an object)")
	}
	for _, f := range []struct {
		obj        map[string]json.RawMessage
		key, where string
		required   bool
	}{
		{settings, "call_id", "dialin_settings.", true}, {settings, "call_domain", "dialin_settings.", true},
		{settings, "To", "dialin_settings.", false}, {settings, "From", "dialin_settings.", false},
		{top, "daily_api_key", "", true}, {top, "daily_api_url", "", true},
	} {
		raw, ok := f.obj[f.key]
		if !ok || string(raw) == "null" {
			if f.required {
				return DialinRequest{}, fmt.Errorf("body.%s%s: field required", f.where, f.key)
			}
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return DialinRequest{}, fmt.Errorf("body.%s%s: must be a string", f.where, f.key)
		}
	}
	if raw, ok := settings["sip_headers"]; ok && string(raw) != "null" {
		var h map[string]string
		if json.Unmarshal(raw, &h) != nil {
			return DialinRequest{}, errors.New("body.dialin_settings.sip_headers: must be an object of strings")
		}
	}
	var r DialinRequest
	if err := json.Unmarshal(body, &r); err != nil {
		return DialinRequest{}, fmt.Errorf("body: %w", err)
	}
	return r, nil
}

// webhookBody is Daily's dial-in webhook as the runner's /daily-dialin-webhook reads it.
type webhookBody struct {
	From       string            `json:"From"`
	To         string            `json:"To"`
	CallID     string            `json:"callId"`
	CallDomain string            `json:"callDomain"`
	SIPHeaders map[string]string `json:"sipHeaders"`
}

// parseWebhook reads Daily's dial-in webhook. test is true for Daily's verification request
// (a body with "test" or "Test"), which gets {"status":"OK"}.
func parseWebhook(data []byte) (w webhookBody, test bool, err error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil || top == nil {
		return w, false, errors.New("body must be a JSON object")
	}
	if _, ok := top["test"]; ok {
		return w, true, nil
	}
	if _, ok := top["Test"]; ok {
		return w, true, nil
	}
	for _, k := range []string{"From", "To", "callId", "callDomain"} {
		if _, ok := top[k]; !ok {
			return w, false, errors.New("Missing required fields: From, To, callId, callDomain")
		}
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return w, false, fmt.Errorf("body: %w", err)
	}
	return w, false, nil
}
