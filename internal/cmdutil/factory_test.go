package cmdutil_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestDefaultAPIURLMatchesClient(t *testing.T) {
	t.Parallel()
	if config.DefaultAPIURL != daily.DefaultBaseURL {
		t.Fatalf("config default %q != daily.DefaultBaseURL %q", config.DefaultAPIURL, daily.DefaultBaseURL)
	}
}

func TestFactoryClientAgainstEmulator(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	c, err := env.Factory.DailyClient()
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Domain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != env.Server.DomainName() {
		t.Fatalf("domain %q, want %q", d.Name, env.Server.DomainName())
	}
	again, _ := env.Factory.DailyClient()
	if again != c {
		t.Fatal("DailyClient should hand out one client per process (shared rate limiter)")
	}
}

func TestFactoryNoKey(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	_, err := env.Factory.DailyClient()
	var na *cmdutil.NoAuthError
	if !errors.As(err, &na) || na.Profile != "default" {
		t.Fatalf("err = %v, want NoAuthError for profile default", err)
	}
	if !strings.Contains(err.Error(), "dialin auth login") || !strings.Contains(err.Error(), "DAILY_API_KEY") {
		t.Fatalf("message does not say what to do: %v", err)
	}
}

func TestDebugAPIWireLogOnStderr(t *testing.T) {
	srv := dailytest.New(t)
	t.Setenv(config.EnvDebug, "api")
	t.Setenv(config.EnvAPIKey, srv.APIKey)
	t.Setenv(config.EnvAPIURL, srv.URL)
	t.Setenv(config.EnvProfile, "")
	ios, _, out, errOut := iostreams.Test()
	f := cmdutil.NewFactoryWith(ios, config.Options{Dir: t.TempDir()})
	c, err := f.DailyClient()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Domain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Fatalf("debug output on stdout: %q", out)
	}
	log := errOut.String()
	if !strings.Contains(log, "GET") || strings.Contains(log, srv.APIKey) {
		t.Fatalf("wire log missing, or it shows the key:\n%s", log)
	}
}
