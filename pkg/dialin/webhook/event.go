package webhook

import (
	"encoding/json"
	"errors"
)

// Event is the envelope of Daily's general webhooks (reference §9.3).
type Event struct {
	Version string          `json:"version"`
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	EventTS float64         `json:"event_ts"`
	Payload json.RawMessage `json:"payload"`
}

// DialinReady is the payload of dialin.ready: one SIP endpoint of a room can take the call.
type DialinReady struct {
	Timestamp   int64  `json:"timestamp"`
	DomainID    string `json:"domain_id"`
	Room        string `json:"room"`
	SIPEndpoint string `json:"sip_endpoint"`
}

// DialinSession is the payload of dialin.connected and dialin.stopped.
type DialinSession struct {
	Timestamp   int64             `json:"timestamp"`
	SessionID   string            `json:"session_id"`
	SIPFrom     string            `json:"sip_from"`
	DomainID    string            `json:"domain_id"`
	Room        string            `json:"room"`
	DisplayName string            `json:"display_name"`
	SIPHeaders  map[string]string `json:"sip_headers,omitempty"`
}

// DecodeEvent decodes an event envelope; the payload stays raw for the caller to decode by Type.
func DecodeEvent(body []byte) (*Event, error) {
	var e Event
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, ErrNotObject
	}
	if e.Type == "" {
		return nil, errors.New("field type: required")
	}
	return &e, nil
}
