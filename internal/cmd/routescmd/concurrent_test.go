package routescmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// AsDialinEnv set to 1 makes this package's test binary run as dialin (main_test.go).
const AsDialinEnv = "DIALIN_ROUTESCMD_TEST_AS_DIALIN"

// DialinCommand is `dialin ARGS` as a real process with exactly env: this test binary, which
// runs the same cli.Main as cmd/dialin, without the race runtime's second of sleep at exit.
func DialinCommand(ctx context.Context, t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(slices.Clip(env), AsDialinEnv+"=1", "GORACE=atexit_sleep_ms=0")
	return cmd
}

// TestEightConcurrentSetProcessesLoseNothing runs eight `dialin routes set` processes at
// once, each for its own number, against one emulator and one state directory (so one lock
// file): every new route and the route that was there before must be present at the end,
// the old one byte for byte with its hmac.
func TestEightConcurrentSetProcessesLoseNothing(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t) // Daily's rate limits on: the client must cope with them too
	var numbers []string
	for i := range 10 {
		n := fmt.Sprintf("+1415555016%d", i)
		srv.SeedPurchased(n, time.Now().Add(-30*24*time.Hour))
		numbers = append(numbers, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pre := `{"phone_number":"` + numbers[0] + `","room_creation_api":"https://pre.example.com/dialin","hmac":"` + secretA +
		`","name_prefix":"pre","x_vendor":{"tier":"gold","ids":[7,8]}}`
	var seed []daily.PinlessDialinEntry
	if err := json.Unmarshal([]byte("["+pre+"]"), &seed); err != nil {
		t.Fatal(err)
	}
	client := daily.New(srv.APIKey, daily.WithBaseURL(srv.URL))
	if _, err := client.SetPinlessDialin(ctx, seed); err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(srv.PinlessDialin()[0])

	dir := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "NO_COLOR=1",
		"DAILY_API_URL=" + srv.URL, "DAILY_API_KEY=" + srv.APIKey,
		"DIALIN_CONFIG_DIR=" + filepath.Join(dir, "config"), "DIALIN_STATE_DIR=" + filepath.Join(dir, "state"),
	}
	type result struct {
		err            error
		stdout, stderr bytes.Buffer
	}
	results := make([]*result, 8)
	var wg sync.WaitGroup
	for i := range results {
		r := &result{}
		results[i] = r
		cmd := DialinCommand(ctx, t, env, "routes", "set", "--number", numbers[i+1],
			"--url", fmt.Sprintf("https://bots.example.com/dialin/%d", i), "--yes")
		cmd.Stdout, cmd.Stderr = &r.stdout, &r.stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); r.err = cmd.Wait() }()
	}
	wg.Wait()
	for i, r := range results {
		if r.err != nil {
			t.Errorf("process %d (%s): %v\nstderr:\n%s", i, numbers[i+1], r.err, r.stderr.String())
		}
		noSecrets(t, r.stdout.String(), r.stderr.String())
	}

	live := map[string]map[string]any{}
	for _, m := range srv.PinlessDialin() {
		live[m["phone_number"].(string)] = m
	}
	if len(live) != 9 {
		t.Fatalf("%d routes at the end, want 9: %s", len(live), masked(live))
	}
	after, _ := json.Marshal(live[numbers[0]])
	if !bytes.Equal(after, before) || live[numbers[0]]["hmac"] != secretA {
		t.Errorf("the route that was there before changed:\n%s\n%s", masked(json.RawMessage(before)), masked(json.RawMessage(after)))
	}
	for i := range 8 {
		got := live[numbers[i+1]]
		if got == nil || got["room_creation_api"] != fmt.Sprintf("https://bots.example.com/dialin/%d", i) || got["hmac"] == nil {
			t.Errorf("route %s: %s", numbers[i+1], masked(got))
		}
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "state", "domains", srv.DomainID(), "backups", "routes-*.json"))
	if len(backups) < 8 {
		t.Errorf("%d backups for 8 writes", len(backups))
	}
}
