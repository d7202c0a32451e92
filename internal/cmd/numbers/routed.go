package numbers

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// Route types, as Daily names the domain arrays.
const (
	routePinless = "pinless_dialin"
	routePin     = "pin_dialin"
)

// numberRoute is the dial-in entry that uses a number, as `numbers list --json` shows it.
// It never carries the entry's hmac: the secret is for `dialin routes`, not for a listing.
type numberRoute struct {
	Type            string               `json:"type"` // "pinless_dialin" or "pin_dialin"
	RoomCreationAPI string               `json:"room_creation_api,omitempty"`
	PipecatCloud    string               `json:"pipecat_cloud,omitempty"` // ORG/AGENT when the webhook is Pipecat Cloud's hosted one
	NamePrefix      string               `json:"name_prefix,omitempty"`
	HoldMusicURL    string               `json:"hold_music_url,omitempty"`
	TimeoutConfig   *daily.TimeoutConfig `json:"timeout_config,omitempty"`
	SIPURI          string               `json:"sip_uri,omitempty"`
}

// summary is the ROUTE cell: the webhook and the name prefix.
func (r *numberRoute) summary() string {
	switch {
	case r == nil:
		return "-"
	case r.Type == routePin:
		return "PIN dial-in"
	case r.NamePrefix != "":
		return fmt.Sprintf("%s (%s)", routes.WebhookName(r.RoomCreationAPI), r.NamePrefix)
	}
	return routes.WebhookName(r.RoomCreationAPI)
}

// pinEntry is the one field of a pin_dialin entry that matters here.
type pinEntry struct {
	PhoneNumber string `json:"phone_number"`
}

// routesByNumber reads the domain (GET /) and maps each E.164 number to the dial-in entry
// that uses it: pinless_dialin first, then pin_dialin (Daily allows a number in only one).
func routesByNumber(ctx context.Context, client *daily.Client) (map[string]*numberRoute, error) {
	domain, err := client.Domain(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the domain's dial-in routes: %w", err)
	}
	entries, err := domain.PinlessDialin()
	if err != nil {
		return nil, fmt.Errorf("reading the domain's dial-in routes: %w", err)
	}
	out := map[string]*numberRoute{}
	for _, e := range entries {
		key := routes.KeyOf(e)
		if key.IsSIP() {
			continue
		}
		out[key.Number] = &numberRoute{
			Type: routePinless, RoomCreationAPI: e.RoomCreationAPI, NamePrefix: e.NamePrefix,
			HoldMusicURL: e.HoldMusicURL, TimeoutConfig: e.TimeoutConfig, SIPURI: e.SIPURI,
		}
		out[key.Number].PipecatCloud, _ = routes.PipecatCloudAgent(e.RoomCreationAPI)
	}
	if raw, ok := domain.Config[routePin]; ok && string(raw) != "null" {
		var pins []pinEntry
		if err := json.Unmarshal(raw, &pins); err != nil {
			return nil, fmt.Errorf("reading the domain's pin_dialin entries: %w", err)
		}
		for _, p := range pins {
			n := canonical(p.PhoneNumber)
			if _, taken := out[n]; !taken && n != "" {
				out[n] = &numberRoute{Type: routePin}
			}
		}
	}
	return out, nil
}

// canonical is a number in E.164 when it parses, else as written, so that lookups match
// Daily's stored spelling either way.
func canonical(number string) string {
	if n, err := phone.Normalize(number, ""); err == nil {
		return n
	}
	return number
}

// createdAt parses a purchase's created_date; ok is false when Daily sent none or an
// unknown format.
func createdAt(p daily.PurchasedNumber) (time.Time, bool) {
	if p.CreatedDate == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, p.CreatedDate)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// formatTime is a time for people: minutes, UTC.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04 MST")
}
