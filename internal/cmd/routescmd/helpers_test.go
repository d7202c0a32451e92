package routescmd

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// Secrets used in tests: base64 of 32 bytes. No output may ever show them.
const (
	secretA = "c2VjcmV0LWEtc2VjcmV0LWEtc2VjcmV0LWEtc2VjcmU="
	secretB = "c2VjcmV0LWItc2VjcmV0LWItc2VjcmV0LWItc2VjcmU="
	secretC = "c2VjcmV0LWMtc2VjcmV0LWMtc2VjcmV0LWMtc2VjcmU="
)

// seedJSON is the domain's routes at the start of each test: an entry with a field dialin
// does not model, one with every optional field, and a SIP-interconnect entry.
const seedJSON = `[
 {"phone_number":"+14155550100","room_creation_api":"https://a.example.com/dialin","hmac":"` + secretA + `","name_prefix":"ci-support","x_future":{"keep":[1,2]}},
 {"phone_number":"+14155550101","room_creation_api":"https://b.example.com/dialin","hmac":"` + secretB + `","hold_music_url":"https://cdn.example.com/hold.mp3","timeout_config":{"message":"Sorry"}},
 {"room_creation_api":"https://c.example.com/sip","name_prefix":"ci-trunk","hmac":"` + secretC + `"}
]`

// ownedNumbers are purchased on the emulator: the two seeded routes' numbers and spares.
var ownedNumbers = []string{"+14155550100", "+14155550101", "+14155550150", "+14155550151", "+14155550152"}

// testEnv is one command test's world: the emulator with seedJSON, a state directory.
type testEnv struct {
	*cmdtest.Env
	client   *daily.Client
	stateDir string
	ctx      context.Context
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	env := cmdtest.New(t, dailytest.WithoutRateLimit())
	for _, n := range ownedNumbers {
		env.Server.SeedPurchased(n, time.Now().Add(-30*24*time.Hour))
	}
	c := daily.New(env.Server.APIKey, daily.WithBaseURL(env.Server.URL), daily.WithoutRateLimit())
	var seed []daily.PinlessDialinEntry
	if err := json.Unmarshal([]byte(seedJSON), &seed); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	if _, err := c.SetPinlessDialin(ctx, seed); err != nil {
		t.Fatal(err)
	}
	env.Server.ResetRequests()
	return &testEnv{Env: env, client: c, stateDir: t.TempDir(), ctx: ctx}
}

func (e *testEnv) deps() Deps {
	return Deps{
		IO: e.IO, Config: e.Factory.Config, DailyClient: e.Factory.DailyClient,
		StateDir: func() (string, error) { return e.stateDir, nil },
	}
}

// live is the emulator's routes by key, as generic JSON.
func (e *testEnv) live(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, m := range e.Server.PinlessDialin() {
		k, _ := m["phone_number"].(string)
		if k == "" {
			k = "sip:" + m["name_prefix"].(string)
		}
		out[k] = m
	}
	return out
}

// writes counts the requests that change routes.
func (e *testEnv) writes() int {
	n := 0
	for _, r := range e.Server.Requests() {
		if r.Method != "GET" && (r.Path == "/" || strings.HasPrefix(r.Path, "/domain-dialin-config")) {
			n++
		}
	}
	return n
}

// noSecrets fails when a test secret shows in any of the outputs.
func noSecrets(t *testing.T, outs ...string) {
	t.Helper()
	for _, s := range outs {
		for _, sec := range []string{secretA, secretB, secretC} {
			if strings.Contains(s, sec) {
				t.Errorf("output shows a secret:\n%s", s)
			}
		}
	}
}

// exitCode is the exit code cli.Main gives err (internal/cli imports this package, so its
// ExitCode cannot be called from here; the cases are the ones these commands return).
func exitCode(err error) int {
	var (
		flagErr *cmdutil.FlagError
		changes *cmdutil.ChangesPresentError
		noAuth  *cmdutil.NoAuthError
	)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, cmdutil.ErrCancel), errors.Is(err, context.Canceled):
		return 130
	case errors.As(err, &flagErr):
		return 64
	case errors.As(err, &noAuth), daily.IsAuth(err):
		return 4
	case errors.As(err, &changes):
		return 2
	}
	return 1
}

// wantExit fails unless err gives code and its message starts with prefix.
func wantExit(t *testing.T, err error, code int, prefix string) {
	t.Helper()
	if got := exitCode(err); got != code {
		t.Fatalf("exit code %d, want %d (err = %v)", got, code, err)
	}
	if err != nil && !strings.HasPrefix(err.Error(), prefix) {
		t.Fatalf("error %q, want it to start with %q", err, prefix)
	}
	if err == nil && prefix != "" {
		t.Fatalf("no error, want %q", prefix)
	}
}

// masked is v as JSON with every hmac value replaced, for failure messages: test output
// never shows a secret, not even a generated one.
func masked(v any) string {
	b, _ := json.Marshal(v)
	var generic any
	if json.Unmarshal(b, &generic) != nil {
		return "(unprintable)"
	}
	var walk func(any) any
	walk = func(x any) any {
		switch t := x.(type) {
		case map[string]any:
			for k, v := range t {
				if k == "hmac" {
					t[k] = "***"
				} else {
					t[k] = walk(v)
				}
			}
		case []any:
			for i := range t {
				t[i] = walk(t[i])
			}
		}
		return x
	}
	out, _ := json.Marshal(walk(generic))
	return string(out)
}
