package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// clearEnv unsets every variable dialin reads, so the developer's own settings never leak in.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{EnvAPIKey, EnvAPIURL, EnvProfile, EnvConfigDir, EnvDebug, EnvPipecatCloudKey} {
		t.Setenv(k, "")
	}
}

func globalFlags(args ...string) *pflag.FlagSet {
	fs := pflag.NewFlagSet("dialin", pflag.ContinueOnError)
	fs.StringP(FlagProfile, "p", "", "")
	fs.String(FlagAPIURL, "", "")
	if err := fs.Parse(args); err != nil {
		panic(err)
	}
	return fs
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestPrecedence(t *testing.T) {
	const fileYAML = "default_profile: work\nprofiles:\n  work:\n    api_url: https://file.example/v1\n    default_country: gb\n  other:\n    api_url: https://other.example/v1\n"
	tests := []struct {
		name       string
		file       bool
		env        map[string]string
		args       []string
		wantURL    string
		wantSource Source
		wantRegion string
		wantProf   string
	}{
		{"default only", false, nil, nil, DefaultAPIURL, SourceDefault, "US", "default"},
		{"file beats default", true, nil, nil, "https://file.example/v1", SourceFile, "gb", "work"},
		{"env beats file", true, map[string]string{EnvAPIURL: "https://env.example/v1"}, nil, "https://env.example/v1", SourceEnv, "gb", "work"},
		{"flag beats env", true, map[string]string{EnvAPIURL: "https://env.example/v1"}, []string{"--api-url", "http://127.0.0.1:9/v1"}, "http://127.0.0.1:9/v1", SourceFlag, "gb", "work"},
		{"flag without file", false, nil, []string{"--api-url=https://flag.example/v1"}, "https://flag.example/v1", SourceFlag, "US", "default"},
		{"empty env is unset", true, map[string]string{EnvAPIURL: ""}, nil, "https://file.example/v1", SourceFile, "gb", "work"},
		{"profile env picks other file profile", true, map[string]string{EnvProfile: "other"}, nil, "https://other.example/v1", SourceFile, "US", "other"},
		{"profile flag beats profile env", true, map[string]string{EnvProfile: "other"}, []string{"-p", "work"}, "https://file.example/v1", SourceFile, "gb", "work"},
		{"unknown profile falls to defaults", true, nil, []string{"--profile", "fresh"}, DefaultAPIURL, SourceDefault, "US", "fresh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			dir := t.TempDir()
			if tt.file {
				writeFile(t, filepath.Join(dir, ConfigFileName), fileYAML)
			}
			c, err := Load(Options{Dir: dir, Flags: globalFlags(tt.args...)})
			if err != nil {
				t.Fatal(err)
			}
			if c.Profile() != tt.wantProf {
				t.Errorf("profile = %q, want %q", c.Profile(), tt.wantProf)
			}
			v, err := c.Get("api_url")
			if err != nil {
				t.Fatal(err)
			}
			if v.Value != tt.wantURL || v.Origin.Source != tt.wantSource {
				t.Errorf("api_url = %q from %s, want %q from %s", v.Value, v.Origin.Source, tt.wantURL, tt.wantSource)
			}
			if r, _ := c.Get("default_country"); r.Value != tt.wantRegion {
				t.Errorf("default_country = %q, want %q", r.Value, tt.wantRegion)
			}
		})
	}
}

func TestProfileOrigin(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	c, err := Load(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if c.Profile() != "default" || c.ProfileOrigin().Source != SourceDefault {
		t.Fatalf("profile %q from %v", c.Profile(), c.ProfileOrigin())
	}
	if err := c.SetDefaultProfile("ci"); err != nil {
		t.Fatal(err)
	}
	c, _ = Load(Options{Dir: dir})
	if c.Profile() != "ci" || c.ProfileOrigin().Source != SourceFile {
		t.Fatalf("profile %q from %v, want ci from file", c.Profile(), c.ProfileOrigin())
	}
	t.Setenv(EnvProfile, "bad name")
	_, err = Load(Options{Dir: dir})
	var iv *InvalidValueError
	if !errors.As(err, &iv) || !strings.Contains(err.Error(), "DIALIN_PROFILE") {
		t.Fatalf("bad profile err = %v", err)
	}
}

func TestDir(t *testing.T) {
	home := func() (string, error) { return "/home/u", nil }
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{EnvConfigDir: "/etc/dialin", "XDG_CONFIG_HOME": "/x"}, "/etc/dialin"},
		{map[string]string{"XDG_CONFIG_HOME": "/x"}, "/x/dialin"},
		{nil, "/home/u/.config/dialin"},
	}
	for _, tt := range tests {
		got, err := dirFrom(func(k string) string { return tt.env[k] }, home)
		if err != nil || got != tt.want {
			t.Errorf("dir(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
	if _, err := dirFrom(func(string) string { return "" }, func() (string, error) { return "", errors.New("no home") }); err == nil {
		t.Error("no home and no env: want an error")
	}
}

func TestSetWritesPrivateFilesAndKeepsUnknownKeys(t *testing.T) {
	clearEnv(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	writeFile(t, filepath.Join(dir, ConfigFileName), "future_setting: 7\nprofiles:\n  default:\n    serve_port: 8080\n")
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	c, err := Load(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Set("default_country", " de ")
	if err != nil || got != "DE" {
		t.Fatalf("Set = %q, %v", got, err)
	}
	if v, _ := c.Get("default_country"); v.Value != "DE" || v.Origin.Source != SourceFile {
		t.Fatalf("after Set: %+v", v)
	}
	data, _ := os.ReadFile(filepath.Join(dir, ConfigFileName))
	for _, want := range []string{"future_setting: 7", "serve_port: 8080", "default_country: DE"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("config.yaml lost %q:\n%s", want, data)
		}
	}
	assertMode(t, filepath.Join(dir, ConfigFileName), 0o600)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
}

func TestNewDirIsPrivate(t *testing.T) {
	clearEnv(t)
	dir := filepath.Join(t.TempDir(), "a", "dialin")
	c, err := Load(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Set("api_url", "https://api.daily.example/v1/"); err != nil {
		t.Fatal(err)
	}
	assertMode(t, dir, 0o700|os.ModeDir)
	assertMode(t, c.ConfigFile(), 0o600)
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != want {
		t.Errorf("%s mode = %v, want %v", path, fi.Mode(), want)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		key, in, want, errField string
	}{
		{"api_url", "https://api.daily.example/v1/", "https://api.daily.example/v1", ""},
		{"api_url", "http://127.0.0.1:4000/v1", "http://127.0.0.1:4000/v1", ""},
		{"api_url", "http://localhost/v1", "http://localhost/v1", ""},
		{"api_url", "http://[::1]:80/v1", "http://[::1]:80/v1", ""},
		{"api_url", "http://api.daily.example/v1", "", "api_url"},
		{"api_url", "api.daily.example/v1", "", "api_url"},
		{"api_url", "https://user:pw@host/v1", "", "api_url"},
		{"api_url", "ftp://host/v1", "", "api_url"},
		{"default_country", "gb", "GB", ""},
		{"default_country", "XX", "", "default_country"},
		{"default_country", "USA", "", "default_country"},
		{"api_key", "x", "", `key "api_key"`},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.key, tt.in)
		if tt.errField == "" {
			if err != nil || got != tt.want {
				t.Errorf("Normalize(%s, %q) = %q, %v; want %q", tt.key, tt.in, got, err, tt.want)
			}
			continue
		}
		var iv *InvalidValueError
		if !errors.As(err, &iv) || iv.Field != tt.errField {
			t.Errorf("Normalize(%s, %q) err = %v, want field %q", tt.key, tt.in, err, tt.errField)
		}
	}
}

func TestAPIURLNamesItsOrigin(t *testing.T) {
	clearEnv(t)
	t.Setenv(EnvAPIURL, "http://evil.example/v1")
	c, err := Load(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.APIURL()
	if err == nil || !strings.Contains(err.Error(), "api_url: must be") || !strings.Contains(err.Error(), "DAILY_API_URL") {
		t.Fatalf("err = %v", err)
	}
}

func TestDebug(t *testing.T) {
	tests := []struct {
		v        string
		api, log bool
	}{{"", false, false}, {"0", false, false}, {"1", false, true}, {"api", true, true}, {"API", true, true}, {"log,api", true, true}}
	for _, tt := range tests {
		t.Setenv(EnvDebug, tt.v)
		c := &Config{}
		if api, log := c.Debug(); api != tt.api || log != tt.log {
			t.Errorf("DIALIN_DEBUG=%q: api=%v log=%v", tt.v, api, log)
		}
	}
}

func TestNoEnv(t *testing.T) {
	clearEnv(t)
	t.Setenv(EnvAPIKey, "developer-key")
	t.Setenv(EnvAPIURL, "https://env.example/v1")
	t.Setenv(EnvProfile, "env-profile")
	t.Setenv(EnvDebug, "api")
	c, err := Load(Options{Dir: t.TempDir(), NoEnv: true})
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := c.APIKey(); k != "" {
		t.Error("NoEnv read DAILY_API_KEY")
	}
	if v, _ := c.Get("api_url"); v.Value != DefaultAPIURL || v.Origin.Source != SourceDefault {
		t.Errorf("NoEnv api_url = %+v", v)
	}
	if c.Profile() != DefaultProfileName {
		t.Errorf("NoEnv profile = %q", c.Profile())
	}
	if api, log := c.Debug(); api || log {
		t.Error("NoEnv read DIALIN_DEBUG")
	}
}
func TestStateDirPrecedence(t *testing.T) {
	home := func() (string, error) { return "/home/u", nil }
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{EnvStateDir: "/s", "XDG_STATE_HOME": "/x"}, "/s"},
		{map[string]string{"XDG_STATE_HOME": "/x"}, filepath.Join("/x", "dialin")},
		{nil, filepath.Join("/home/u", ".local", "state", "dialin")},
	} {
		got, err := stateDirFrom(env(tt.env), home)
		if err != nil || (got != tt.want && runtime.GOOS != "windows") {
			t.Errorf("%v: %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
	if _, err := stateDirFrom(env(nil), func() (string, error) { return "", errors.New("no home") }); err == nil {
		t.Error("no home and no DIALIN_STATE_DIR must be an error")
	}
}

// TestDefaultRegionIsReadAsDefaultCountry: the old key still works, with a note, and setting
// the new key renames it in the file.
func TestDefaultRegionIsReadAsDefaultCountry(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ConfigFileName), "profiles:\n  default:\n    default_region: gb\n    keep_me: 1\n")
	c, err := Load(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"default_country", "default_region"} {
		if v, err := c.Get(name); err != nil || v.Key != "default_country" || v.Value != "gb" && v.Value != "GB" || v.Origin.Source != SourceFile {
			t.Fatalf("Get(%s) = %+v, %v", name, v, err)
		}
	}
	notes := c.Deprecations()
	if len(notes) != 1 || !strings.Contains(notes[0], "default_region is deprecated and read as default_country") {
		t.Fatalf("notes %q", notes)
	}
	if _, err := c.Set("default_country", "de"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(c.ConfigFile())
	if strings.Contains(string(data), "default_region") || !strings.Contains(string(data), "default_country: DE") || !strings.Contains(string(data), "keep_me: 1") {
		t.Fatalf("config.yaml after set:\n%s", data)
	}
	if c, _ = Load(Options{Dir: dir}); len(c.Deprecations()) != 0 {
		t.Fatalf("notes after the rename: %q", c.Deprecations())
	}
}
