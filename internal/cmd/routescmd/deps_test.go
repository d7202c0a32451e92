package routescmd

import (
	"testing"
)

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
