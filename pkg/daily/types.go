package daily

import (
	"encoding/json"
	"strings"
)

// Domain is the answer of GET / and POST /: the domain and its configuration.
type Domain struct {
	Name string `json:"domain_name"`
	ID   string `json:"domain_id"`
	// Config holds every domain property as Daily returned it; PinlessDialin decodes the routes.
	Config map[string]json.RawMessage `json:"config"`
}

// PinlessDialin decodes config.pinless_dialin; a domain without the property has no routes.
func (d *Domain) PinlessDialin() ([]PinlessDialinEntry, error) {
	raw, ok := d.Config["pinless_dialin"]
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	var entries []PinlessDialinEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, err
	}
	return entries, nil
}

// DialinConfig is one /domain-dialin-config object.
type DialinConfig struct {
	ID     string             `json:"id"`
	Type   string             `json:"type"` // "pinless_dialin" or "pin_dialin"
	Config DialinConfigFields `json:"config"`
}

// DialinConfigFields are the settings of a dial-in config; SIPURI is read-only.
type DialinConfigFields struct {
	PhoneNumber     string         `json:"phone_number,omitempty"`
	NamePrefix      string         `json:"name_prefix,omitempty"`
	HMAC            string         `json:"hmac,omitempty"`
	RoomCreationAPI string         `json:"room_creation_api,omitempty"`
	HoldMusicURL    string         `json:"hold_music_url,omitempty"`
	TimeoutConfig   *TimeoutConfig `json:"timeout_config,omitempty"`
	IVRGreeting     *TimeoutConfig `json:"ivr_greeting,omitempty"`
	SIPURI          *string        `json:"sip_uri,omitempty"`
}

// AvailableNumber is one result of GET /list-available-numbers. Daily's docs call the number
// "phoneNumber" and Pipecat's docs "number"; both decode into Number.
type AvailableNumber struct {
	Number string `json:"number"`
	Region string `json:"region,omitempty"`
}

// UnmarshalJSON accepts both "phoneNumber" and "number".
func (a *AvailableNumber) UnmarshalJSON(data []byte) error {
	var v struct {
		PhoneNumber string `json:"phoneNumber"`
		Number      string `json:"number"`
		Region      string `json:"region"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	a.Number, a.Region = v.PhoneNumber, v.Region
	if a.Number == "" {
		a.Number = v.Number
	}
	return nil
}

// NumberSearch holds the filters of GET /list-available-numbers; empty fields are not sent.
type NumberSearch struct {
	AreaCode   string
	Region     string
	City       string
	Contains   string
	StartsWith string
	EndsWith   string
}

// PurchasedNumber is a number the domain owns.
type PurchasedNumber struct {
	ID           string `json:"id"`
	Number       string `json:"number"`
	Name         string `json:"name,omitempty"`
	Type         string `json:"type,omitempty"`
	PaginationID int64  `json:"pagination_id,omitempty"`
	CreatedDate  string `json:"created_date,omitempty"`
	Status       string `json:"status,omitempty"`
	Verified     bool   `json:"verified,omitempty"`
}

// ReleaseResult is the answer of DELETE /release-phone-number/:id. Daily documents both
// {"status":"ok"} and {"deleted":true,"id":…}; both decode here.
type ReleaseResult struct {
	Status  string `json:"status,omitempty"`
	Deleted bool   `json:"deleted,omitempty"`
	ID      string `json:"id,omitempty"`
}

// Room is a Daily room.
type Room struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	APICreated bool       `json:"api_created"`
	Privacy    string     `json:"privacy"`
	URL        string     `json:"url"`
	CreatedAt  string     `json:"created_at"`
	Config     RoomConfig `json:"config"`
}

// RoomConfig is a room's non-default properties plus the read-only fields Daily adds.
type RoomConfig struct {
	RoomProperties
	SIPURI     *SIPURI `json:"sip_uri,omitempty"`
	DialinCode string  `json:"dialin_code,omitempty"`
}

// RoomProperties are the settable room properties telephony uses.
type RoomProperties struct {
	Exp               int64             `json:"exp,omitempty"`
	Nbf               int64             `json:"nbf,omitempty"`
	EjectAtRoomExp    bool              `json:"eject_at_room_exp,omitempty"`
	EjectAfterElapsed int64             `json:"eject_after_elapsed,omitempty"`
	MaxParticipants   int               `json:"max_participants,omitempty"`
	EnableDialout     bool              `json:"enable_dialout,omitempty"`
	Geo               string            `json:"geo,omitempty"`
	SIP               *SIPProperties    `json:"sip,omitempty"`
	Dialin            *DialinProperties `json:"dialin,omitempty"`
}

// SIPProperties turn on SIP for a room; SIPMode must be "dial-in".
type SIPProperties struct {
	DisplayName  string         `json:"display_name"`
	SIPMode      string         `json:"sip_mode"`
	Video        bool           `json:"video"`
	NumEndpoints int            `json:"num_endpoints,omitempty"`
	Codecs       *SIPCodecs     `json:"codecs,omitempty"`
	Provider     string         `json:"provider,omitempty"`
	DialinConfig map[string]any `json:"dialin_config,omitempty"`
}

// SIPCodecs lists the codecs a SIP room offers.
type SIPCodecs struct {
	Audio []string `json:"audio,omitempty"`
	Video []string `json:"video,omitempty"`
}

// DialinProperties configure PIN dial-in for a room.
type DialinProperties struct {
	DisplayName         string              `json:"display_name,omitempty"`
	WaitForMeetingStart bool                `json:"wait_for_meeting_start,omitempty"`
	RoomNumbers         []map[string]string `json:"room_numbers,omitempty"`
}

// SIPURI is a SIP room's read-only config.sip_uri. Daily's examples disagree on whether the
// endpoint carries the "sip:" prefix; Endpoints normalises. A bare string decodes as Endpoint.
type SIPURI struct {
	Endpoint       string   `json:"endpoint"`
	ExtraEndpoints []string `json:"extra_endpoints,omitempty"`
}

// UnmarshalJSON accepts an object {endpoint, extra_endpoints} or a bare string.
func (s *SIPURI) UnmarshalJSON(data []byte) error {
	var str string
	if json.Unmarshal(data, &str) == nil {
		*s = SIPURI{Endpoint: str}
		return nil
	}
	type plain SIPURI
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*s = SIPURI(p)
	return nil
}

// Endpoints lists every SIP endpoint of the room, each with the "sip:" prefix.
func (s *SIPURI) Endpoints() []string {
	if s == nil || s.Endpoint == "" {
		return nil
	}
	out := []string{NormalizeSIPURI(s.Endpoint)}
	for _, e := range s.ExtraEndpoints {
		out = append(out, NormalizeSIPURI(e))
	}
	return out
}

// NormalizeSIPURI adds the "sip:" scheme when it is missing.
func NormalizeSIPURI(uri string) string {
	uri = strings.TrimSpace(uri)
	if uri == "" || strings.HasPrefix(strings.ToLower(uri), "sip:") || strings.HasPrefix(strings.ToLower(uri), "sips:") {
		return uri
	}
	return "sip:" + uri
}

// CreateRoomRequest is the body of POST /rooms.
type CreateRoomRequest struct {
	Name       string         `json:"name,omitempty"`
	Privacy    string         `json:"privacy,omitempty"`
	Properties RoomProperties `json:"properties"`
}

// MeetingTokenProperties are the properties of POST /meeting-tokens (and of local signing).
type MeetingTokenProperties struct {
	RoomName          string `json:"room_name,omitempty"`
	IsOwner           bool   `json:"is_owner,omitempty"`
	Exp               int64  `json:"exp,omitempty"`
	Nbf               int64  `json:"nbf,omitempty"`
	EjectAtTokenExp   bool   `json:"eject_at_token_exp,omitempty"`
	EjectAfterElapsed int64  `json:"eject_after_elapsed,omitempty"`
	UserName          string `json:"user_name,omitempty"`
	UserID            string `json:"user_id,omitempty"`
}

// PinlessCallUpdateRequest patches a held call into a room's SIP endpoint.
type PinlessCallUpdateRequest struct {
	CallID     string `json:"callId"`
	CallDomain string `json:"callDomain"`
	SIPURI     string `json:"sipUri"`
}

// Webhook is a /webhooks subscription. State and the timestamps are documented both as
// strings and as numbers; they decode leniently into strings ("ACTIVE", "FAILED", "STOPPED").
type Webhook struct {
	UUID             string       `json:"uuid"`
	URL              string       `json:"url"`
	HMAC             string       `json:"hmac,omitempty"`
	BasicAuth        string       `json:"basicAuth,omitempty"`
	RetryType        string       `json:"retryType,omitempty"`
	EventTypes       []string     `json:"eventTypes,omitempty"`
	State            WebhookState `json:"state,omitempty"`
	FailedCount      int          `json:"failedCount,omitempty"`
	LastMomentPushed FlexString   `json:"lastMomentPushed,omitempty"`
	DomainID         string       `json:"domainId,omitempty"`
	CreatedAt        FlexString   `json:"createdAt,omitempty"`
	UpdatedAt        FlexString   `json:"updatedAt,omitempty"`
}

// WebhookRequest is the body of POST /webhooks and POST /webhooks/:uuid.
type WebhookRequest struct {
	URL        string   `json:"url,omitempty"`
	BasicAuth  string   `json:"basicAuth,omitempty"`
	RetryType  string   `json:"retryType,omitempty"`
	EventTypes []string `json:"eventTypes,omitempty"`
	HMAC       string   `json:"hmac,omitempty"`
}

// WebhookState is "ACTIVE", "FAILED" or "STOPPED"; numbers 1, 0, 2 decode to those names.
type WebhookState string

// UnmarshalJSON accepts a string or Daily's numeric enum (FAILED 0, ACTIVE 1, STOPPED 2).
func (w *WebhookState) UnmarshalJSON(data []byte) error {
	var n int
	if json.Unmarshal(data, &n) == nil {
		*w = map[int]WebhookState{0: "FAILED", 1: "ACTIVE", 2: "STOPPED"}[n]
		if *w == "" {
			*w = WebhookState(string(data))
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	*w = WebhookState(strings.ToUpper(s))
	return nil
}

// FlexString decodes a JSON string or number (a timestamp Daily documents both ways) as text.
type FlexString string

// UnmarshalJSON accepts a string, a number or null.
func (f *FlexString) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*f = FlexString(s)
		return nil
	}
	if string(data) == "null" {
		*f = ""
		return nil
	}
	*f = FlexString(strings.TrimSpace(string(data)))
	return nil
}
