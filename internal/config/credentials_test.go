package config

import (
	"errors"
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

// TestStoredKeyKeepsItsAPIURL: a key stored with the URL it was checked against goes there,
// not to api_url's default; DAILY_API_URL and --api-url override it; an api_url in
// config.yaml that differs is an error, never a reason to send the key elsewhere.
func TestStoredKeyKeepsItsAPIURL(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	const emu = "http://127.0.0.1:8089/v1"
	c, _ := Load(Options{Dir: dir})
	if err := c.SetAPIKeyFor("emulator-key-0123", emu); err != nil {
		t.Fatal(err)
	}
	c, _ = Load(Options{Dir: dir})
	if u, err := c.APIURL(); err != nil || u != emu {
		t.Fatalf("APIURL = %q, %v; want the key's URL", u, err)
	}
	if v, _ := c.Get("api_url"); v.Value != emu || v.Origin.Name != c.CredentialsFile() {
		t.Fatalf("config get api_url = %+v", v)
	}
	if u, _ := c.LoginAPIURL(); u != emu {
		t.Fatalf("LoginAPIURL = %q; logging in again goes where the last login went", u)
	}
	flagged, _ := Load(Options{Dir: dir, Flags: globalFlags("--api-url", "http://127.0.0.1:9999/v1")})
	if u, _ := flagged.APIURL(); u != "http://127.0.0.1:9999/v1" {
		t.Fatalf("--api-url: %q", u)
	}
	t.Setenv(EnvAPIKey, "another-key-0123")
	envKey, _ := Load(Options{Dir: dir})
	if u, _ := envKey.APIURL(); u != DefaultAPIURL {
		t.Fatalf("DAILY_API_KEY's URL = %q; the stored URL belongs to the stored key only", u)
	}
	t.Setenv(EnvAPIKey, "")
	if _, err := c.Set("api_url", "https://api.daily.co/v1"); err != nil {
		t.Fatal(err)
	}
	c, _ = Load(Options{Dir: dir})
	var ive *InvalidValueError
	if _, err := c.APIURL(); !errors.As(err, &ive) || !strings.Contains(err.Error(), "run `dialin auth login`") {
		t.Fatalf("mismatch: %v", err)
	}
	if u, _ := c.LoginAPIURL(); u != "https://api.daily.co/v1" {
		t.Fatalf("LoginAPIURL = %q; config.yaml's api_url is where a new login goes", u)
	}
}
