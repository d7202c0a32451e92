package numberscmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// pool is the emulator's stock in most tests: region and city come from the area codes.
var pool = []string{"+14155550100", "+14155550101", "+14155550102", "+12125550100"}

// start is the manual clock's reading at the beginning of a test.
var start = time.Date(2025, 3, 14, 4, 46, 31, 0, time.UTC)

// newEnv is an emulator with pool on a manual clock, and a stored key.
func newEnv(t *testing.T, opts ...dailytest.Option) (*cmdtest.Env, *dailytest.ManualClock) {
	t.Helper()
	clock := dailytest.NewManualClock(start)
	opts = append([]dailytest.Option{dailytest.WithAvailableNumbers(pool...), dailytest.WithClock(clock)}, opts...)
	return cmdtest.New(t, opts...), clock
}

// setRoute points number at a webhook with an explicit hmac, the way `routes set` would.
func setRoute(t *testing.T, env *cmdtest.Env, number, url, prefix string) {
	t.Helper()
	_, err := env.Client(t).SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{
		{PhoneNumber: number, RoomCreationAPI: url, NamePrefix: prefix, HMAC: testHMAC},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testHMAC is a route secret that must never show in any output.
const testHMAC = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ="

// assertNoSecrets fails when the emulator's API key or the route secret shows anywhere.
func assertNoSecrets(t *testing.T, env *cmdtest.Env, extra ...string) {
	t.Helper()
	secrets := []string{env.Server.APIKey, testHMAC}
	for i, text := range append([]string{env.Out.String(), env.ErrOut.String()}, extra...) {
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				// Show where, never the secret itself.
				masked := strings.NewReplacer(secrets[0], "<API KEY>", secrets[1], "<HMAC>").Replace(text)
				t.Fatalf("a secret shows in output #%d (0 stdout, 1 stderr, then errors): %q", i, masked)
			}
		}
	}
}

// reset empties the output buffers and the request log between steps of one test.
func reset(env *cmdtest.Env) {
	env.Out.Reset()
	env.ErrOut.Reset()
	env.In.Reset()
	env.Server.ResetRequests()
}
