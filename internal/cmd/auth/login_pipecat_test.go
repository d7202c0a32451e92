package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
)

// --pipecat-cloud stores the key as the profile's Pipecat Cloud key, leaves the Daily key
// alone, and never shows the key.
func TestLoginPipecatCloudStoresKey(t *testing.T) {
	env := cmdtest.NewWithoutKey(t)
	t.Setenv("PIPECAT_CLOUD_API_KEY", "")
	const key = "pk_cloudSecret0123456789"
	env.In.WriteString(key + "\n")
	opts := &LoginOptions{IO: env.IO, Config: env.Factory.Config, NewClient: env.Factory.NewDailyClientAt, WithToken: true, PipecatCloud: true}
	if err := loginRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	cfg := env.LoadConfig(t)
	if got, _ := cfg.PipecatCloudKey(); got != key {
		t.Fatal("Pipecat Cloud key not stored")
	}
	if got, _ := cfg.APIKey(); got != "" {
		t.Fatal("the Pipecat Cloud key was stored as the Daily key")
	}
	if !strings.Contains(env.ErrOut.String(), "Pipecat Cloud key stored") {
		t.Errorf("stderr %q: want the confirmation", env.ErrOut.String())
	}
	assertNoKey(t, key, env.Out.String(), env.ErrOut.String())
}
