package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAPIKeyStorage(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	const key = "k3y-Secret-0123456789"
	c, err := Load(Options{Dir: dir, Flags: globalFlags("--profile", "prod")})
	if err != nil {
		t.Fatal(err)
	}
	if k, o := c.APIKey(); k != "" || o.Source != SourceNone {
		t.Fatalf("fresh config has key from %v", o)
	}
	if err := c.SetAPIKey(key); err != nil {
		t.Fatal(err)
	}
	assertMode(t, c.CredentialsFile(), 0o600)
	if data, _ := os.ReadFile(c.ConfigFile()); strings.Contains(string(data), key) {
		t.Fatal("the key leaked into config.yaml")
	}

	// A new invocation sees the stored key for that profile only.
	c, _ = Load(Options{Dir: dir, Flags: globalFlags("-p", "prod")})
	if k, o := c.APIKey(); k != key || o.Source != SourceFile || o.Name != filepath.Join(dir, CredentialsFileName) {
		t.Fatalf("stored key: got origin %v", o)
	}
	other, _ := Load(Options{Dir: dir})
	if k, _ := other.APIKey(); k != "" {
		t.Fatal("profile default sees prod's key")
	}
	ps := other.Profiles()
	if len(ps) != 2 || ps[0] != (ProfileInfo{Name: "default", Active: true, Default: true}) || ps[1] != (ProfileInfo{Name: "prod", HasKey: true}) {
		t.Fatalf("profiles = %+v", ps)
	}

	// The environment wins over the file.
	t.Setenv(EnvAPIKey, "env-key")
	if k, o := c.APIKey(); k != "env-key" || o.Source != SourceEnv || o.Name != EnvAPIKey {
		t.Fatalf("env key: origin %v", o)
	}
	t.Setenv(EnvAPIKey, "")

	removed, err := c.DeleteAPIKey()
	if err != nil || !removed {
		t.Fatalf("DeleteAPIKey = %v, %v", removed, err)
	}
	if _, err := os.Stat(c.CredentialsFile()); !os.IsNotExist(err) {
		t.Fatalf("empty credentials file kept: %v", err)
	}
	if removed, _ := c.DeleteAPIKey(); removed {
		t.Fatal("second delete reported a key")
	}
}

func TestDeleteKeepsOtherProfiles(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	for _, p := range []string{"a", "b"} {
		c, _ := Load(Options{Dir: dir, Flags: globalFlags("-p", p)})
		if err := c.SetAPIKey("key-" + p); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := Load(Options{Dir: dir, Flags: globalFlags("-p", "a")})
	if ok, err := c.DeleteAPIKey(); !ok || err != nil {
		t.Fatal(ok, err)
	}
	b, _ := Load(Options{Dir: dir, Flags: globalFlags("-p", "b")})
	if k, _ := b.APIKey(); k != "key-b" {
		t.Fatal("deleting a removed b's key")
	}
}

func TestValidateAPIKey(t *testing.T) {
	for _, bad := range []string{"", "two words", "tab\there", "nl\n", strings.Repeat("k", 513)} {
		err := ValidateAPIKey(bad)
		if err == nil {
			t.Errorf("ValidateAPIKey(%q) accepted", bad)
			continue
		}
		if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("error repeats the key: %v", err)
		}
	}
	if err := ValidateAPIKey("0123abcdef"); err != nil {
		t.Error(err)
	}
}
