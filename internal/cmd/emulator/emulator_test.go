package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestNewCmdEmulator(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	var got *Options
	parse := func(args ...string) error {
		got = nil
		return cmdtest.Exec(NewCmdEmulator(f, func(o *Options) error { got = o; return nil }), args...)
	}
	if err := parse(); err != nil || got.Addr != DefaultAddr || got.APIKey != "" || got.FailStatus != 503 || got.ManualClock {
		t.Fatalf("defaults: %v %+v", err, got)
	}
	err := parse("--addr", "localhost:8089", "--api-key", "k-1", "--latency", "50ms", "--fail-rate", "0.1",
		"--fail-status", "500", "--seed-number", "+1 415 555 0100", "--seed-number", "+442071838750", "--manual-clock", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if got.Addr != "localhost:8089" || got.APIKey != "k-1" || got.Latency != 50*time.Millisecond || got.FailRate != 0.1 ||
		got.FailStatus != 500 || strings.Join(got.SeedNumbers, ",") != "+14155550100,+442071838750" || !got.ManualClock || got.Exporter == nil {
		t.Fatalf("%+v", got)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "8089"}, "--addr: must be HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8089"},
		{[]string{"--addr", "127.0.0.1:99999"}, "--addr: must be HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8089"},
		{[]string{"--addr", ":8089"}, "--addr: must name a host, e.g. 127.0.0.1:8089 (an empty host listens on every interface)"},
		{[]string{"--api-key", ""}, "--api-key: must not be empty"},
		{[]string{"--api-key", "two words"}, "--api-key: must be one word of printable characters"},
		{[]string{"--latency", "-1s"}, "--latency: must not be negative"},
		{[]string{"--latency", "2m"}, "--latency: must be at most 1m"},
		{[]string{"--fail-rate", "1.5"}, "--fail-rate: must be between 0 and 1"},
		{[]string{"--fail-rate", "NaN"}, "--fail-rate: must be between 0 and 1"},
		{[]string{"--fail-rate", "0.5", "--fail-status", "200"}, "--fail-status: must be an HTTP error status from 400 to 599"},
		{[]string{"--fail-status", "500"}, "--fail-status: requires --fail-rate"},
		{[]string{"--seed-number", "4155550100"}, `--seed-number: "4155550100" is not an E.164 number such as +14155550100`},
		{[]string{"--seed-number", "+14155550100", "--seed-number", "+1 (415) 555-0100"}, "--seed-number: +14155550100 is given twice"},
		{[]string{"--env-file", ""}, "--env-file: must not be empty"},
		{[]string{"--latency", "soon"}, ""},
		{[]string{"extra"}, ""},
	} {
		err := parse(tt.args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || (tt.want != "" && err.Error() != tt.want) {
			t.Errorf("%v: err = %v, want usage error %q", tt.args, err, tt.want)
		}
	}
}

// running is an emulator started by the command's run function.
type running struct {
	out, errOut *bytes.Buffer
	srv         *dailytest.Server
	stop        func() error
}

// startEmulator parses args as the command would and runs it until the test calls stop (or
// ends). It returns once the emulator listens and has printed its exports.
func startEmulator(t *testing.T, args ...string) *running {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	var opts *Options
	if err := cmdtest.Exec(NewCmdEmulator(&cmdutil.Factory{IOStreams: ios}, func(o *Options) error { opts = o; return nil }), args...); err != nil {
		t.Fatal(err)
	}
	ready := make(chan *dailytest.Server, 1)
	opts.ready = func(s *dailytest.Server) { ready <- s }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, opts) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(10 * time.Second):
				runErr = errors.New("the emulator did not stop within 10s")
			}
		})
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	select {
	case srv := <-ready:
		return &running{out: out, errOut: errOut, srv: srv, stop: stop}
	case err := <-done:
		t.Fatalf("the emulator stopped before it was ready: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the emulator was not ready within 10s")
	}
	return nil
}

var exportsPattern = regexp.MustCompile(`^export DAILY_API_URL=(http://127\.0\.0\.1:\d+/v1)\nexport DAILY_API_KEY=(\S+)\n$`)

func TestEmulatorServesUntilCancelled(t *testing.T) {
	t.Parallel()
	em := startEmulator(t, "--api-key", "test-key-123", "--seed-number", "+14155550100", "--seed-number", "+12125550100")
	m := exportsPattern.FindStringSubmatch(em.out.String())
	if m == nil || m[2] != "test-key-123" || m[1] != em.srv.URL {
		t.Fatalf("stdout = %q", em.out)
	}
	stderr := em.errOut.String()
	for _, want := range []string{"✓ Daily API emulator listening on " + m[1] + " (domain dailytest)\n",
		"Numbers already owned: +14155550100, +12125550100\n", "Press Ctrl-C to stop.\n"} {
		if !strings.Contains(stderr, want) {
			t.Fatalf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	// The exports are all a client needs: the seeded numbers are owned, past the 14-day lock.
	c := daily.New(m[2], daily.WithBaseURL(m[1]))
	ctx := context.Background()
	owned, err := daily.Collect(c.PurchasedNumbers(ctx, daily.PurchasedNumberQuery{}))
	if err != nil || len(owned) != 2 {
		t.Fatalf("owned %v: %v", owned, err)
	}
	if _, err := c.ReleaseNumber(ctx, owned[0].ID); err != nil {
		t.Fatalf("a seeded number cannot be released: %v", err)
	}
	if found, err := c.SearchNumbers(ctx, daily.NumberSearch{AreaCode: "415"}); err != nil || len(found) == 0 {
		t.Fatalf("search: %v %v", found, err)
	}
	if _, err := daily.New("wrong-key", daily.WithBaseURL(m[1])).Domain(ctx); !daily.IsAuth(err) {
		t.Fatalf("a wrong key was not refused: %v", err)
	}

	if err := em.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !strings.HasSuffix(em.errOut.String(), "Stopping the emulator.\n") {
		t.Fatalf("stderr = %q", em.errOut)
	}
	if _, err := c.Domain(ctx); err == nil {
		t.Fatal("the emulator still answers after stopping")
	}
}

func TestEmulatorJSONAndEnvFile(t *testing.T) {
	t.Parallel()
	envFile := filepath.Join(t.TempDir(), "emulator.env")
	em := startEmulator(t, "--json", "--env-file", envFile, "--api-key", "it's-a-key")
	var ep Endpoint
	if err := json.Unmarshal(em.out.Bytes(), &ep); err != nil || ep.URL != em.srv.URL || ep.APIKey != "it's-a-key" {
		t.Fatalf("stdout %q: %v", em.out, err)
	}
	st, err := os.Stat(envFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("env file: %v, mode %v", err, st)
	}
	// A POSIX shell that sources the file gets the exact values back.
	sh := exec.Command("sh", "-c", `. "$1" && printf '%s|%s' "$DAILY_API_URL" "$DAILY_API_KEY"`, "sh", envFile)
	sh.Env = []string{"PATH=" + os.Getenv("PATH")}
	got, err := sh.Output()
	if err != nil || string(got) != ep.URL+"|it's-a-key" {
		t.Fatalf("sourced: %q, %v", got, err)
	}
	if err := em.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(envFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("env file left behind: %v", err)
	}
}

func TestEmulatorFaults(t *testing.T) {
	t.Parallel()
	em := startEmulator(t, "--fail-rate", "1", "--fail-status", "502")
	c := daily.New(em.srv.APIKey, daily.WithBaseURL(em.srv.URL), daily.WithRetryPolicy(daily.RetryPolicy{MaxAttempts: 1}))
	_, err := c.Domain(context.Background())
	var apiErr *daily.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 502 {
		t.Fatalf("err = %v, want the injected 502", err)
	}
}

func TestEmulatorManualClock(t *testing.T) {
	t.Parallel()
	em := startEmulator(t, "--manual-clock")
	base := strings.TrimSuffix(em.srv.URL, "/v1") + "/_emulator/clock"
	first, second := clockNow(t, em, "GET", base, ""), clockNow(t, em, "GET", base, "")
	if !first.Equal(second) {
		t.Fatalf("a manual clock moved by itself: %v then %v", first, second)
	}
	if moved := clockNow(t, em, "POST", base, `{"advance_s": 86400}`); !moved.Equal(first.Add(24 * time.Hour)) {
		t.Fatalf("advanced to %v, want %v", moved, first.Add(24*time.Hour))
	}
}

func clockNow(t *testing.T, em *running, method, url, body string) time.Time {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+em.srv.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Now time.Time `json:"now"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d %v", method, url, resp.StatusCode, err)
	}
	return got.Now
}

// TestEmulatorAddressInUse: the emulator cannot listen; it says where, prints nothing, and
// the --env-file a killed emulator left is gone, so no script sources its dead URL.
func TestEmulatorAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	stale := filepath.Join(t.TempDir(), "emulator.env")
	if err := os.WriteFile(stale, []byte("export DAILY_API_URL=http://127.0.0.1:1/v1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ios, _, out, _ := iostreams.Test()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // bounds a wrong success
	defer cancel()
	err = run(ctx, &Options{IO: ios, Addr: ln.Addr().String(), FailStatus: 503, EnvFile: stale})
	if err == nil || !strings.HasPrefix(err.Error(), "starting the emulator: listen on "+ln.Addr().String()) || out.Len() != 0 {
		t.Fatalf("err = %v, stdout %q", err, out)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the stale env file is still there: %v", err)
	}
}

func TestLoopbackOnly(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{"127.0.0.1:0": true, "localhost:80": true, "[::1]:1": true,
		"0.0.0.0:8089": false, "192.168.1.2:80": false, "example.com:80": false} {
		if got := loopbackOnly(addr); got != want {
			t.Errorf("%s: %v", addr, got)
		}
	}
}
