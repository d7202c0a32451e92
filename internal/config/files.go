package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// fileConfig is config.yaml. Unknown top-level keys survive a rewrite through Rest, unknown
// profile keys because profiles are plain maps.
type fileConfig struct {
	DefaultProfile string                    `yaml:"default_profile,omitempty"`
	Profiles       map[string]map[string]any `yaml:"profiles,omitempty"`
	Rest           map[string]any            `yaml:",inline"`
}

// credentialsFile is credentials.yaml.
type credentialsFile struct {
	Profiles map[string]*credentials `yaml:"profiles,omitempty"`
	Rest     map[string]any          `yaml:",inline"`
}

type credentials struct {
	APIKey string `yaml:"api_key,omitempty"`
	// APIURL is the API the key was checked against at login: the key is sent there and
	// nowhere else unless DAILY_API_URL or --api-url says otherwise (a key stored before
	// dialin remembered it has none, and follows api_url).
	APIURL          string         `yaml:"api_url,omitempty"`
	PipecatCloudKey string         `yaml:"pipecat_cloud_api_key,omitempty"`
	Rest            map[string]any `yaml:",inline"`
}

const credentialsHeader = "# dialin credentials: Daily API keys (and Pipecat Cloud keys) per profile. Keep this file private (mode 0600).\n"

// readYAML decodes path into v; a missing or empty file leaves v as it is.
func readYAML(path string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// writeYAML encodes v and writes it to path atomically with mode 0600.
func writeYAML(path, header string, v any) error {
	data, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append([]byte(header), data...))
}

// writeFileAtomic writes data to a temp file in path's directory (created 0700), syncs it,
// and renames it over path, so readers see the old file or the new one, never a mix. The
// file is 0600 from its creation: there is no moment where a key is world-readable.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
