package config

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/dialin-project/dialin/pkg/dialin/loopback"
)

// Key is one setting `dialin config get/set` knows.
type Key struct {
	Name        string
	Default     string
	Env         string // environment variable that overrides the file ("" for none)
	Flag        string // global flag that overrides everything ("" for none)
	Description string
	normalize   func(string) (string, error)
}

var keys = []Key{
	{
		Name: "api_url", Default: DefaultAPIURL, Env: EnvAPIURL, Flag: FlagAPIURL,
		Description: "Root of Daily's REST API (https; http only for loopback hosts such as the emulator)",
		normalize:   normalizeAPIURL,
	},
	{
		Name: "default_country", Default: DefaultCountry,
		Description: "Country assumed for phone numbers typed without +country code (ISO 3166 code; was default_region)",
		normalize:   normalizeCountry,
	},
	{
		Name: "routes_api", Default: "pinless", Env: "DIALIN_ROUTES_API",
		Description: "Which Daily API `dialin routes` uses: pinless (the domain's pinless_dialin array) or configs (/domain-dialin-config)",
		normalize:   normalizeRoutesAPI,
	},
}

// normalizeRoutesAPI accepts the two dial-in APIs Daily documents.
func normalizeRoutesAPI(v string) (string, error) {
	switch strings.ToLower(v) {
	case "pinless", "configs":
		return strings.ToLower(v), nil
	}
	return "", &InvalidValueError{Field: "routes_api", Rule: "must be pinless or configs"}
}

// renamedKeys maps old key names to their new ones. An old name is still read from
// config.yaml and accepted by Get and Set, with a deprecation note (Config.Deprecations).
var renamedKeys = map[string]string{
	// "region" is Daily's state filter in `numbers search`; the setting is a country.
	"default_region": "default_country",
}

// Keys returns the settable keys in display order.
func Keys() []Key { return append([]Key(nil), keys...) }

// LookupKey finds a key by name, or by its old name.
func LookupKey(name string) (Key, bool) {
	if renamed, ok := renamedKeys[name]; ok {
		name = renamed
	}
	for _, k := range keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

func keyNames() string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

// InvalidValueError is bad input for a setting, a profile name or a key: one line naming the
// field and the rule. The CLI maps it to exit code 64.
type InvalidValueError struct {
	Field string // "api_url", "profile", "api key", ...
	Rule  string // what the value must be
}

func (e *InvalidValueError) Error() string { return e.Field + ": " + e.Rule }

// Normalize checks value for key and returns its canonical form.
func Normalize(key, value string) (string, error) {
	k, ok := LookupKey(key)
	if !ok {
		return "", unknownKey(key)
	}
	return k.normalize(strings.TrimSpace(value))
}

func unknownKey(key string) error {
	return &InvalidValueError{Field: "key " + fmt.Sprintf("%q", key), Rule: "unknown; known keys: " + keyNames()}
}

// normalizeAPIURL accepts an absolute URL; http only for loopback hosts so the API key never
// crosses a network in clear text. The trailing slash is dropped.
func normalizeAPIURL(s string) (string, error) {
	const rule = "must be an absolute https URL (http only for localhost), e.g. " + DefaultAPIURL
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", &InvalidValueError{Field: "api_url", Rule: rule}
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !loopback.Host(u.Hostname()) {
			return "", &InvalidValueError{Field: "api_url", Rule: rule}
		}
	default:
		return "", &InvalidValueError{Field: "api_url", Rule: rule}
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func normalizeCountry(s string) (string, error) {
	r := strings.ToUpper(s)
	if !phonenumbers.GetSupportedRegions()[r] {
		return "", &InvalidValueError{Field: "default_country", Rule: "must be a two-letter country code with a phone numbering plan, e.g. US, GB, DE"}
	}
	return r, nil
}

var profileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ValidateProfile checks a profile name.
func ValidateProfile(name string) error {
	if !profileName.MatchString(name) {
		return &InvalidValueError{Field: "profile", Rule: "must be 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit"}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
