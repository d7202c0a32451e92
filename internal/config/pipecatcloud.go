package config

import "strings"

// EnvPipecatCloudKey holds a Pipecat Cloud public key; it wins over the profile's stored one.
const EnvPipecatCloudKey = "PIPECAT_CLOUD_API_KEY"

// PipecatCloudKey returns the Pipecat Cloud key for the active profile and where it came
// from: PIPECAT_CLOUD_API_KEY, else pipecat_cloud_api_key in credentials.yaml.
// Origin.Source is SourceNone when there is none. Never print the key.
func (c *Config) PipecatCloudKey() (string, Origin) {
	if k := strings.TrimSpace(c.getenv(EnvPipecatCloudKey)); k != "" {
		return k, Origin{SourceEnv, EnvPipecatCloudKey}
	}
	if cr := c.creds.Profiles[c.profile]; cr != nil && cr.PipecatCloudKey != "" {
		return cr.PipecatCloudKey, Origin{SourceFile, c.CredentialsFile()}
	}
	return "", Origin{Source: SourceNone}
}

// SetPipecatCloudKey stores key as the active profile's Pipecat Cloud key in
// credentials.yaml (0600, atomic). Its shape is checked like a Daily key's.
func (c *Config) SetPipecatCloudKey(key string) error {
	if err := ValidateAPIKey(key); err != nil {
		return &InvalidValueError{Field: "Pipecat Cloud key", Rule: err.(*InvalidValueError).Rule}
	}
	if c.creds.Profiles == nil {
		c.creds.Profiles = map[string]*credentials{}
	}
	if c.creds.Profiles[c.profile] == nil {
		c.creds.Profiles[c.profile] = &credentials{}
	}
	c.creds.Profiles[c.profile].PipecatCloudKey = key
	return c.saveCredentials()
}
