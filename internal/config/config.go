package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Source says which layer a value came from.
type Source string

// Layers, strongest first.
const (
	SourceFlag    Source = "flag"
	SourceEnv     Source = "env"
	SourceFile    Source = "file"
	SourceDefault Source = "default"
	SourceNone    Source = "none" // no value at all (an API key nobody configured)
)

// Origin is where a value came from: the layer and its name (the flag, the variable, the file).
type Origin struct {
	Source Source `json:"source"`
	Name   string `json:"from,omitempty"`
}

// Describe reads as "DAILY_API_URL environment variable", "--api-url flag", a file path, "default".
func (o Origin) Describe() string {
	switch o.Source {
	case SourceFlag:
		return o.Name + " flag"
	case SourceEnv:
		return o.Name + " environment variable"
	case SourceFile:
		return o.Name
	case SourceNone:
		return "not set"
	}
	return "default"
}

// Value is a resolved setting. In JSON: {"key", "value", "source", "from"}.
type Value struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Origin
}

// Options tell Load where to look.
type Options struct {
	Dir   string         // config directory; "" means Dir()
	Flags *pflag.FlagSet // the root command's persistent flags, or nil
	// NoEnv ignores the environment (DAILY_API_KEY, DAILY_API_URL, DIALIN_PROFILE,
	// DIALIN_DEBUG): command tests use it so a developer's own key never leaks in.
	NoEnv bool
}

// Config is the resolved configuration of one invocation: the active profile, its settings
// and the stored credentials. Setters write through to the files.
type Config struct {
	dir           string
	flags         *pflag.FlagSet
	file          fileConfig
	creds         credentialsFile
	profile       string
	profileOrigin Origin
	v             *viper.Viper
	noEnv         bool
}

// Load reads config.yaml and credentials.yaml (missing files are fine) and picks the profile.
func Load(opts Options) (*Config, error) {
	c := &Config{dir: opts.Dir, flags: opts.Flags, noEnv: opts.NoEnv}
	if c.dir == "" {
		d, err := Dir()
		if err != nil {
			return nil, err
		}
		c.dir = d
	}
	if err := readYAML(c.ConfigFile(), &c.file); err != nil {
		return nil, err
	}
	if err := readYAML(c.CredentialsFile(), &c.creds); err != nil {
		return nil, err
	}
	c.profile, c.profileOrigin = c.resolveProfile()
	if err := ValidateProfile(c.profile); err != nil {
		return nil, fmt.Errorf("%w (from %s)", err, c.profileOrigin.Describe())
	}
	c.v = c.newViper()
	return c, nil
}

// profileKey is the active profile as a setting: --profile, DIALIN_PROFILE, default_profile
// in config.yaml, "default".
var profileKey = Key{Name: "profile", Default: DefaultProfileName, Env: EnvProfile, Flag: FlagProfile}

func (c *Config) resolveProfile() (string, Origin) {
	v := viper.New()
	c.bind(v, profileKey)
	if c.file.DefaultProfile != "" {
		fileLayer(v, map[string]any{profileKey.Name: c.file.DefaultProfile})
	}
	return c.resolve(v, profileKey)
}

// newViper layers default < profile in config.yaml < environment < flag for every key.
func (c *Config) newViper() *viper.Viper {
	v := viper.New()
	for _, k := range keys {
		c.bind(v, k)
	}
	settings := map[string]any{}
	for name, val := range c.file.Profiles[c.profile] {
		if k, known := LookupKey(name); known {
			if _, newSet := c.file.Profiles[c.profile][k.Name]; newSet && k.Name != name {
				continue // the new name wins over the old one
			}
			settings[k.Name] = val
		}
	}
	fileLayer(v, settings)
	return v
}

// getenv reads the environment unless NoEnv.
func (c *Config) getenv(key string) string {
	if c.noEnv {
		return ""
	}
	return os.Getenv(key)
}

// Dir is the config directory.
func (c *Config) Dir() string { return c.dir }

// ConfigFile is the path of config.yaml.
func (c *Config) ConfigFile() string { return filepath.Join(c.dir, ConfigFileName) }

// CredentialsFile is the path of credentials.yaml.
func (c *Config) CredentialsFile() string { return filepath.Join(c.dir, CredentialsFileName) }

// Profile is the active profile's name.
func (c *Config) Profile() string { return c.profile }

// ProfileOrigin says why this profile is active.
func (c *Config) ProfileOrigin() Origin { return c.profileOrigin }

// DefaultProfile is default_profile from config.yaml, or "default".
func (c *Config) DefaultProfile() string {
	if c.file.DefaultProfile != "" {
		return c.file.DefaultProfile
	}
	return DefaultProfileName
}

// Get resolves one key for the active profile.
func (c *Config) Get(key string) (Value, error) {
	k, ok := LookupKey(key)
	if !ok {
		return Value{}, unknownKey(key)
	}
	val, origin := c.resolve(c.v, k)
	v := Value{Key: k.Name, Value: val, Origin: origin}
	if k.Name == "api_url" && v.Origin.Source != SourceFlag && v.Origin.Source != SourceEnv {
		if u, ok := c.storedKeyURL(); ok {
			v.Value, v.Origin = u, Origin{SourceFile, c.CredentialsFile()}
		}
	}
	return v, nil
}

// List resolves every key for the active profile, in Keys() order.
func (c *Config) List() []Value {
	out := make([]Value, 0, len(keys))
	for _, k := range keys {
		v, _ := c.Get(k.Name)
		out = append(out, v)
	}
	return out
}

// Deprecations are notes about old key names in config.yaml, one per profile and key, for
// the CLI to print on stderr.
func (c *Config) Deprecations() []string {
	var notes []string
	for _, profile := range sortedKeys(c.file.Profiles) {
		for _, old := range sortedKeys(renamedKeys) {
			if _, ok := c.file.Profiles[profile][old]; ok {
				notes = append(notes, fmt.Sprintf("%s: profile %s: %s is deprecated and read as %s; rename it (dialin config set %s VALUE --profile %s)",
					c.ConfigFile(), profile, old, renamedKeys[old], renamedKeys[old], profile))
			}
		}
	}
	return notes
}

// APIURL is the validated URL of Daily's API for the key in use: --api-url or DAILY_API_URL,
// else the URL stored with the key at login, else api_url from config.yaml or the default. A
// stored key is never sent to another api_url set in config.yaml: that is an error saying how
// to log in there. An invalid value names where it came from.
func (c *Config) APIURL() (string, error) {
	v, _ := c.Get("api_url")
	if v.Origin.Name == c.CredentialsFile() {
		if set, ok := c.file.Profiles[c.profile]["api_url"]; ok {
			if u, err := normalizeAPIURL(fmt.Sprint(set)); err == nil && u != v.Value {
				return "", &InvalidValueError{Field: "api_url", Rule: fmt.Sprintf(
					"%s (from %s) is not %s, where profile %s's stored key was checked: run `dialin auth login` to log in there, or `dialin config set api_url %s`",
					u, c.ConfigFile(), v.Value, c.profile, v.Value)}
			}
		}
	}
	return c.checkedAPIURL(v)
}

// LoginAPIURL is the URL `auth login` checks a key against: --api-url, DAILY_API_URL,
// api_url from config.yaml, else the URL stored with the profile's key (logging in again
// goes where the last login went), else the default.
func (c *Config) LoginAPIURL() (string, error) {
	v, _ := c.Get("api_url")
	if v.Origin.Name == c.CredentialsFile() {
		if set, ok := c.file.Profiles[c.profile]["api_url"]; ok {
			v = Value{Key: v.Key, Value: fmt.Sprint(set), Origin: Origin{SourceFile, c.ConfigFile()}}
		}
	}
	return c.checkedAPIURL(v)
}

func (c *Config) checkedAPIURL(v Value) (string, error) {
	u, err := normalizeAPIURL(v.Value)
	if err != nil {
		return "", fmt.Errorf("%w (from %s)", err, v.Origin.Describe())
	}
	return u, nil
}

// Set validates value and stores it under key in the active profile of config.yaml. It
// returns the stored (normalised) value.
func (c *Config) Set(key, value string) (string, error) {
	norm, err := Normalize(key, value)
	if err != nil {
		return "", err
	}
	if c.file.Profiles == nil {
		c.file.Profiles = map[string]map[string]any{}
	}
	if c.file.Profiles[c.profile] == nil {
		c.file.Profiles[c.profile] = map[string]any{}
	}
	k, _ := LookupKey(key)
	for old, renamed := range renamedKeys {
		if renamed == k.Name {
			delete(c.file.Profiles[c.profile], old) // setting the new name renames the old one
		}
	}
	c.file.Profiles[c.profile][k.Name] = norm
	if err := c.saveConfig(); err != nil {
		return "", err
	}
	c.v = c.newViper()
	return norm, nil
}

// SetDefaultProfile stores default_profile in config.yaml.
func (c *Config) SetDefaultProfile(name string) error {
	if err := ValidateProfile(name); err != nil {
		return err
	}
	c.file.DefaultProfile = name
	return c.saveConfig()
}

func (c *Config) saveConfig() error {
	return writeYAML(c.ConfigFile(), "", &c.file)
}

// Debug reads DIALIN_DEBUG: api turns on the HTTP wire log (secrets redacted), and any
// other non-false value ("1", "true", "log") turns on debug logging.
func (c *Config) Debug() (api, log bool) {
	for _, part := range strings.Split(strings.ToLower(c.getenv(EnvDebug)), ",") {
		switch p := strings.TrimSpace(part); p {
		case "", "0", "false", "no", "off":
		case "api":
			api, log = true, true
		default:
			log = true
		}
	}
	return api, log
}
