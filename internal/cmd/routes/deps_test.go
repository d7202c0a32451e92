package routes

import (
	"errors"
	"path/filepath"
	"runtime"
	"testing"
)

func TestStateDirPrecedence(t *testing.T) {
	t.Parallel()
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

func TestRoutesAPIFromProfileOrFlag(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.deps()
	s, err := d.open()
	if err != nil || s.api != APIPinless || s.region != "US" {
		t.Fatalf("default: %+v, %v", s, err)
	}
	d.API = APIConfigs
	if s, err = d.open(); err != nil || s.api != APIConfigs {
		t.Fatalf("--api configs: %+v, %v", s, err)
	}
	if err := (&Deps{API: "legacy"}).checkFlags(); exitCode(err) != 64 {
		t.Errorf("--api legacy: %v", err)
	}
}

// TestRoutesAPIProfileSetting: `dialin config set routes_api configs` makes the routes
// commands use /domain-dialin-config, and --api still wins over it.
func TestRoutesAPIProfileSetting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.LoadConfig(t).Set(SettingRoutesAPI, APIConfigs); err != nil {
		t.Fatal(err)
	}
	d := e.deps()
	if s, err := d.open(); err != nil || s.api != APIConfigs {
		t.Fatalf("routes_api=configs: %+v, %v", s, err)
	}
	d.API = APIPinless
	if s, err := d.open(); err != nil || s.api != APIPinless {
		t.Fatalf("--api pinless over the setting: %+v, %v", s, err)
	}
}
