package config

import (
	"os"
	"strings"
	"unicode"
)

// APIKey returns the API key for the active profile and where it came from: DAILY_API_KEY,
// else credentials.yaml. Origin.Source is SourceNone when there is no key. Never print the key.
func (c *Config) APIKey() (string, Origin) {
	if k := strings.TrimSpace(c.getenv(EnvAPIKey)); k != "" {
		return k, Origin{SourceEnv, EnvAPIKey}
	}
	if cr := c.creds.Profiles[c.profile]; cr != nil && cr.APIKey != "" {
		return cr.APIKey, Origin{SourceFile, c.CredentialsFile()}
	}
	return "", Origin{Source: SourceNone}
}

// storedKeyURL is the API URL stored with the key in use: only when that key comes from
// credentials.yaml (not DAILY_API_KEY) and was stored with one.
func (c *Config) storedKeyURL() (string, bool) {
	if strings.TrimSpace(c.getenv(EnvAPIKey)) != "" {
		return "", false
	}
	cr := c.creds.Profiles[c.profile]
	if cr == nil || cr.APIKey == "" || cr.APIURL == "" {
		return "", false
	}
	return cr.APIURL, true
}

// HasStoredAPIKey reports whether credentials.yaml holds a key for profile.
func (c *Config) HasStoredAPIKey(profile string) bool {
	cr := c.creds.Profiles[profile]
	return cr != nil && cr.APIKey != ""
}

// ValidateAPIKey checks the shape of a key without revealing it in the error.
func ValidateAPIKey(key string) error {
	if key == "" {
		return &InvalidValueError{Field: "API key", Rule: "must not be empty"}
	}
	if len(key) > 512 {
		return &InvalidValueError{Field: "API key", Rule: "must be at most 512 characters"}
	}
	for _, r := range key {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return &InvalidValueError{Field: "API key", Rule: "must be one word of printable characters"}
		}
	}
	return nil
}

// SetAPIKey stores key for the active profile in credentials.yaml (0600, atomic), without an
// API URL: the key follows api_url. Logins use SetAPIKeyFor.
func (c *Config) SetAPIKey(key string) error { return c.SetAPIKeyFor(key, "") }

// SetAPIKeyFor stores key with the API URL it was checked against, so that it is only ever
// sent there (as gh stores the host with each token).
func (c *Config) SetAPIKeyFor(key, apiURL string) error {
	if err := ValidateAPIKey(key); err != nil {
		return err
	}
	if apiURL != "" {
		u, err := normalizeAPIURL(apiURL)
		if err != nil {
			return err
		}
		apiURL = u
	}
	if c.creds.Profiles == nil {
		c.creds.Profiles = map[string]*credentials{}
	}
	if c.creds.Profiles[c.profile] == nil {
		c.creds.Profiles[c.profile] = &credentials{}
	}
	c.creds.Profiles[c.profile].APIKey = key
	c.creds.Profiles[c.profile].APIURL = apiURL
	return c.saveCredentials()
}

// DeleteAPIKey removes the stored key of the active profile; false when there was none.
// The file itself is removed when no profile has anything left in it.
func (c *Config) DeleteAPIKey() (bool, error) {
	cr := c.creds.Profiles[c.profile]
	if cr == nil || cr.APIKey == "" {
		return false, nil
	}
	cr.APIKey, cr.APIURL = "", ""
	if len(cr.Rest) == 0 && cr.PipecatCloudKey == "" {
		delete(c.creds.Profiles, c.profile)
	}
	if len(c.creds.Profiles) == 0 && len(c.creds.Rest) == 0 {
		if err := os.Remove(c.CredentialsFile()); err != nil && !os.IsNotExist(err) {
			return false, err
		}
		return true, nil
	}
	return true, c.saveCredentials()
}

func (c *Config) saveCredentials() error {
	return writeYAML(c.CredentialsFile(), credentialsHeader, &c.creds)
}

// ProfileInfo describes one known profile.
type ProfileInfo struct {
	Name    string `json:"name"`
	Active  bool   `json:"active"`
	Default bool   `json:"default"`
	HasKey  bool   `json:"has_key"` // a key is stored in credentials.yaml
}

// ProfileExists reports whether profile is known: named in config.yaml or credentials.yaml,
// or the default profile.
func (c *Config) ProfileExists(profile string) bool {
	_, inFile := c.file.Profiles[profile]
	_, inCreds := c.creds.Profiles[profile]
	return inFile || inCreds || profile == c.DefaultProfile()
}

// Profiles lists every profile named in config.yaml or credentials.yaml, plus the active and
// default ones, sorted by name.
func (c *Config) Profiles() []ProfileInfo {
	names := map[string]bool{c.profile: true, c.DefaultProfile(): true}
	for n := range c.file.Profiles {
		names[n] = true
	}
	for n := range c.creds.Profiles {
		names[n] = true
	}
	out := make([]ProfileInfo, 0, len(names))
	for _, n := range sortedKeys(names) {
		out = append(out, ProfileInfo{
			Name: n, Active: n == c.profile, Default: n == c.DefaultProfile(), HasKey: c.HasStoredAPIKey(n),
		})
	}
	return out
}
