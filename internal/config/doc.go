// Package config resolves dialin's settings and stores its credentials.
//
// Files live in one directory: DIALIN_CONFIG_DIR, else $XDG_CONFIG_HOME/dialin, else
// ~/.config/dialin (macOS included, as gh does). The directory is created 0700; files are
// written 0600, atomically (temp file + rename), so a crash never leaves half a file.
//
//   - config.yaml: `default_profile` and `profiles: {name: {api_url, default_country, ...}}`.
//     default_region, default_country's old name, is still read (with a deprecation note)
//     and is renamed when `config set default_country` writes the profile.
//     Keys this version does not know are kept when the file is rewritten.
//   - credentials.yaml: `profiles: {name: {api_key}}`, kept apart so config.yaml can be shared
//     or committed without leaking a key.
//
// There is no OS keyring: dialin runs mostly on servers and in CI, where the Secret Service
// needs a D-Bus session that is not there, and a keyring that fails over to a file anyway only
// adds a second place to look. A 0600 file in a 0700 directory, and DAILY_API_KEY for CI, is
// the same trust model as ~/.ssh or ~/.aws/credentials.
//
// The profile comes from --profile, else DIALIN_PROFILE, else default_profile, else "default".
// Each setting resolves flag > environment > profile in config.yaml > built-in default, through
// a private viper.New() instance (never the global viper). The API key resolves
// DAILY_API_KEY > credentials.yaml, and is never printed.
package config

// Environment variables read by dialin.
const (
	EnvAPIKey    = "DAILY_API_KEY"     // API key; overrides credentials.yaml (CI)
	EnvAPIURL    = "DAILY_API_URL"     // API root; overrides api_url
	EnvProfile   = "DIALIN_PROFILE"    // profile name; --profile overrides it
	EnvConfigDir = "DIALIN_CONFIG_DIR" // config directory
	EnvDebug     = "DIALIN_DEBUG"      // "api": wire log on stderr; "1": debug log on stderr
)

// Global flag names, defined by the root command and read here when set.
const (
	FlagProfile = "profile"
	FlagAPIURL  = "api-url"
)

// Defaults.
const (
	DefaultAPIURL      = "https://api.daily.co/v1" // same as daily.DefaultBaseURL
	DefaultProfileName = "default"
	DefaultCountry     = "US"
	// DefaultRegion is DefaultCountry's old name.
	//
	// Deprecated: use DefaultCountry.
	DefaultRegion = DefaultCountry
)

// File names inside the config directory.
const (
	ConfigFileName      = "config.yaml"
	CredentialsFileName = "credentials.yaml"
)
