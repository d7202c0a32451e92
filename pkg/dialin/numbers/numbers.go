// Package numbers holds the rules about a domain's purchased phone numbers that do not depend
// on how they are shown: Daily's 14-day release lock, and which dial-in route uses a number.
// `dialin numbers` presents them; `dialin routes` and others may ask them too.
package numbers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// ReleaseLock is how long after its purchase Daily refuses to release a number.
const ReleaseLock = 14 * 24 * time.Hour

// BoughtAt parses a purchase's created_date; ok is false when Daily sent none or an unknown
// format.
func BoughtAt(p daily.PurchasedNumber) (time.Time, bool) {
	if p.CreatedDate == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, p.CreatedDate)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// Locked reports whether p is still inside the release lock at now, and since when it was
// bought (zero when unknown: then it is not known to be locked).
func Locked(p daily.PurchasedNumber, now time.Time) (boughtAt time.Time, locked bool) {
	at, ok := BoughtAt(p)
	return at, ok && now.Before(at.Add(ReleaseLock))
}

// IsLockRefusal reports whether err is Daily refusing to release p because of the 14-day
// lock. Daily's exact status and text are unconfirmed (400 in its docs, 422 in the generated
// spec), so a 400/422 counts when its text speaks of 14 days or when the purchase date says
// the lock is still on.
func IsLockRefusal(p daily.PurchasedNumber, now time.Time, err error) bool {
	var apiErr *daily.APIError
	if !errors.As(err, &apiErr) || (apiErr.Status != 400 && apiErr.Status != 422) {
		return false
	}
	text := apiErr.Info
	for _, d := range apiErr.Details {
		text += " " + d.Detail + " " + d.Title
	}
	if strings.Contains(strings.ToLower(text), "14 day") {
		return true
	}
	_, locked := Locked(p, now)
	return locked
}

// Route types, as Daily names the domain arrays.
const (
	RoutePinless = "pinless_dialin"
	RoutePin     = "pin_dialin"
)

// Route is the dial-in entry that uses a number, as `numbers list --json` shows it. It never
// carries the entry's hmac: the secret is for `dialin routes`, not for a listing.
type Route struct {
	Type            string               `json:"type"` // RoutePinless or RoutePin
	RoomCreationAPI string               `json:"room_creation_api,omitempty"`
	PipecatCloud    string               `json:"pipecat_cloud,omitempty"` // ORG/AGENT when the webhook is Pipecat Cloud's hosted one
	NamePrefix      string               `json:"name_prefix,omitempty"`
	HoldMusicURL    string               `json:"hold_music_url,omitempty"`
	TimeoutConfig   *daily.TimeoutConfig `json:"timeout_config,omitempty"`
	SIPURI          string               `json:"sip_uri,omitempty"`
}

// RoutesByNumber reads the domain (GET /) and maps each E.164 number to the dial-in entry
// that uses it: pinless_dialin first, then pin_dialin (Daily allows a number in only one).
func RoutesByNumber(ctx context.Context, client *daily.Client) (map[string]*Route, error) {
	domain, err := client.Domain(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the domain's dial-in routes: %w", err)
	}
	entries, err := domain.PinlessDialin()
	if err != nil {
		return nil, fmt.Errorf("reading the domain's dial-in routes: %w", err)
	}
	out := map[string]*Route{}
	for _, e := range entries {
		key := routes.KeyOf(e)
		if key.IsSIP() {
			continue
		}
		out[key.Number] = &Route{
			Type: RoutePinless, RoomCreationAPI: e.RoomCreationAPI, NamePrefix: e.NamePrefix,
			HoldMusicURL: e.HoldMusicURL, TimeoutConfig: e.TimeoutConfig, SIPURI: e.SIPURI,
		}
		out[key.Number].PipecatCloud, _ = routes.PipecatCloudAgent(e.RoomCreationAPI)
	}
	if raw, ok := domain.Config[RoutePin]; ok && string(raw) != "null" {
		var pins []struct {
			PhoneNumber string `json:"phone_number"`
		}
		if err := json.Unmarshal(raw, &pins); err != nil {
			return nil, fmt.Errorf("reading the domain's pin_dialin entries: %w", err)
		}
		for _, p := range pins {
			n := Canonical(p.PhoneNumber)
			if _, taken := out[n]; !taken && n != "" {
				out[n] = &Route{Type: RoutePin}
			}
		}
	}
	return out, nil
}

// Canonical is a number in E.164 when it parses, else as written, so that lookups match
// Daily's stored spelling either way.
func Canonical(number string) string {
	if n, err := phone.Normalize(number, ""); err == nil {
		return n
	}
	return number
}
