package benchcmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/bench"
	"github.com/dialin-project/dialin/internal/cli"
	"github.com/dialin-project/dialin/internal/testkit"
)

// asDialin makes the test binary act as the dialin binary: the benchmark starts it as
// `serve` and as `standin-bot`, real child processes.
const asDialin = "BENCH_TEST_AS_DIALIN"

func TestMain(m *testing.M) {
	if os.Getenv(asDialin) == "1" {
		os.Exit(cli.Main(os.Args[1:]))
	}
	testkit.DefaultParallel()                    // the benchmarks mostly wait on their calls
	os.Setenv(asDialin, "1")                     // inherited by serve and, through it, the bots
	os.Setenv("GORACE", "atexit_sleep_ms=0")     // a -race child would sleep a second at exit
	os.Setenv("DIALIN_CONFIG_DIR", os.TempDir()) // never a developer's own profile
	os.Exit(m.Run())
}

func smallConfig(t *testing.T) bench.Config {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := bench.Defaults()
	c.Dialin = self // SeedRunner "": the runner built into dialin
	c.Latency, c.BotStartup, c.ReadyDelay, c.TalkTime = 5*time.Millisecond, 100*time.Millisecond, 20*time.Millisecond, 50*time.Millisecond
	c.Rate, c.Steady, c.Warmup, c.Burst = 10, time.Second, 0, 5
	c.WarmRooms, c.WarmBots = 6, 6
	c.HoldTimeout, c.SettleExtra, c.ReadyTimeout = 20*time.Second, 5*time.Second, time.Minute
	return c
}

// TestBenchRunsEverySystem runs a small benchmark of the four first systems and checks that
// every call connected and that the JSON is the documented schema, no more and no less.
func TestBenchRunsEverySystem(t *testing.T) {
	t.Parallel()
	cfg := smallConfig(t)
	cfg.Systems = []string{bench.SystemServe, bench.SystemServeREST, bench.SystemWarm, bench.SystemSeed}
	cfg.Warmup = 500 * time.Millisecond // 5 calls before the steady phase's 10, reported apart
	rep, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Phases {
		if want := map[string]int{"warmup": 5, "steady": 10, "burst": 5}[p.Name]; p.Calls != want {
			t.Errorf("%s: phase %s has %d calls, want %d", p.System, p.Name, p.Calls, want)
		}
	}
	if len(rep.Phases) != 3*len(cfg.Systems) {
		t.Errorf("%d phases, want warmup, steady and burst for each of %d systems", len(rep.Phases), len(cfg.Systems))
	}
	names := []string{}
	for _, s := range rep.Systems {
		names = append(names, s.Name)
		if s.Calls != 20 || s.Connected != 20 || s.Lost != 0 {
			t.Errorf("%s: calls %d connected %d lost %d, want 20 connected", s.Name, s.Calls, s.Connected, s.Lost)
		}
		if s.HandoffMS.P50 <= 0 || s.HandoffMS.Max < s.HandoffMS.P99 || s.ConnectedMS.P50 < s.HandoffMS.P50 {
			t.Errorf("%s: implausible quantiles %+v %+v", s.Name, s.HandoffMS, s.ConnectedMS)
		}
		if s.DailyRequestsPerCall < 1 || s.PeakRSSMB <= 0 {
			t.Errorf("%s: requests per call %v, peak RSS %v", s.Name, s.DailyRequestsPerCall, s.PeakRSSMB)
		}
		if s.Name == bench.SystemWarm && s.CriticalRequestsPerCall != 0 {
			t.Errorf("serve-warm made %v Daily requests per call between webhook and bot; want none", s.CriticalRequestsPerCall)
		}
		if s.Name == bench.SystemServeREST && s.CriticalRequestsPerCall != 2 {
			t.Errorf("serve-rest made %v critical requests per call; want 2 (room and token)", s.CriticalRequestsPerCall)
		}
		// serve's defaults: no token request, and at least its pool's floor of rooms made ahead.
		if s.Name == bench.SystemServe && s.CriticalRequestsPerCall > 18.0/20 {
			t.Errorf("serve (default flags) made %v critical requests per call; want at most 18/20 (no token, 2 pooled rooms at least)", s.CriticalRequestsPerCall)
		}
	}
	want := []string{bench.SystemServe, bench.SystemServeREST, bench.SystemWarm}
	if _, missing := rep.Config.Unavailable[bench.SystemSeed]; !missing {
		want = append(want, bench.SystemSeed)
	}
	if !slices.Equal(names, want) {
		t.Errorf("systems %v, want %v (unavailable: %v)", names, want, rep.Config.Unavailable)
	}
	checkSchema(t, rep)
}

func checkSchema(t *testing.T, rep *bench.Report) {
	t.Helper()
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	if got := keys(top); !slices.Equal(got, []string{"config", "systems"}) {
		t.Fatalf("top-level keys %v", got)
	}
	var systems []map[string]json.RawMessage
	if err := json.Unmarshal(top["systems"], &systems); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"calls", "connected", "connected_ms", "cpu_s", "daily_requests_per_call", "handoff_ms", "lost", "name", "peak_rss_mb"}
	for _, s := range systems {
		if got := keys(s); !slices.Equal(got, wantKeys) {
			t.Errorf("system keys %v, want %v", got, wantKeys)
		}
		for _, q := range []string{"handoff_ms", "connected_ms"} {
			var m map[string]float64
			if err := json.Unmarshal(s[q], &m); err != nil || !slices.Equal(keys(m), []string{"max", "p50", "p95", "p99"}) {
				t.Errorf("%s: %s (%v)", q, s[q], err)
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestBenchReportsAMissingPythonAsUnavailable(t *testing.T) {
	t.Parallel()
	cfg := smallConfig(t)
	cfg.Systems = []string{bench.SystemSeed}
	// A runner file of our own: these cases are about the interpreter, not the runner.
	runner := filepath.Join(t.TempDir(), "seed_bot_runner.py")
	if err := os.WriteFile(runner, []byte("import fastapi, uvicorn, aiohttp\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ python, runner, want string }{
		{"/nonexistent/python3", runner, "/nonexistent/python3 not found"},
		{"/bin/sh", runner, "cannot import the seed runner's packages"},
		{cfg.Python, "/nonexistent/seed.py", "seed runner: stat /nonexistent/seed.py"},
		{"/bin/sh", "", "cannot import the seed runner's packages"}, // "": the runner built into dialin
	} {
		cfg.Python, cfg.SeedRunner = c.python, c.runner
		rep, err := bench.Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("%+v: the bench failed instead of reporting the system unavailable: %v", c, err)
		}
		if why := rep.Config.Unavailable[bench.SystemSeed]; !strings.Contains(why, c.want) || len(rep.Systems) != 0 {
			t.Errorf("%+v: unavailable %q, systems %v", c, why, rep.Systems)
		}
	}
}

// TestBenchHold measures serve holding calls with a running bot each.
func TestBenchHold(t *testing.T) {
	t.Parallel()
	cfg := smallConfig(t)
	rep, err := bench.Hold(context.Background(), cfg, 20)
	if err != nil {
		t.Fatal(err)
	}
	h := rep.Hold
	if h.Calls != 20 || h.BotStarted != 20 || h.Active != 20 || h.RSSMB <= 0 || h.PeakRSSMB < h.RSSMB {
		t.Fatalf("hold: %+v", h)
	}
}

// TestBenchRunsPipecatSystems runs serve in front of the runner stand-in and the runner
// stand-in alone: every call connects through each, serve's share is measured only where
// serve runs, and the runner behind serve is a helper that is stopped with the system. With
// CPUProfile, serve (and only serve) writes a CPU profile, stopped by SIGTERM, and the run
// says where it is.
func TestBenchRunsPipecatSystems(t *testing.T) {
	t.Parallel()
	cfg := smallConfig(t)
	cfg.Systems = []string{bench.SystemServePipecat, bench.SystemPipecatRunner}
	cfg.WorkDir = t.TempDir()
	cfg.CPUProfile = true
	progress := &testkit.SyncBuffer{}
	cfg.Progress = func(line string) { fmt.Fprintln(progress, line) }
	rep, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range rep.Systems {
		names = append(names, s.Name)
		if s.Calls != 15 || s.Connected != 15 || s.Lost != 0 {
			t.Errorf("%s: calls %d connected %d lost %d, want 15 connected", s.Name, s.Calls, s.Connected, s.Lost)
		}
		if s.ConnectedMS.P50 < s.HandoffMS.P50 || s.ConnectedMS.P50 <= 0 {
			t.Errorf("%s: implausible quantiles %+v %+v", s.Name, s.HandoffMS, s.ConnectedMS)
		}
		// The runner makes a room and a token per call, both between the webhook and the bot.
		if s.CriticalRequestsPerCall != 2 {
			t.Errorf("%s: %v critical requests per call, want 2 (the runner's room and token)", s.Name, s.CriticalRequestsPerCall)
		}
		if (s.ServeMS != nil) != (s.Name == bench.SystemServePipecat) {
			t.Errorf("%s: serve's share %v; want it only for serve-pipecat", s.Name, s.ServeMS)
		}
	}
	if want := []string{bench.SystemServePipecat, bench.SystemPipecatRunner}; !slices.Equal(names, want) {
		t.Errorf("systems %v, want %v", names, want)
	}
	// The runner behind serve logs to a file of its own, apart from serve's and the runner alone's.
	for _, name := range []string{"serve-pipecat-runner.log", "pipecat-runner.log", "serve-pipecat.log"} {
		if _, err := os.Stat(filepath.Join(cfg.WorkDir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	profile := filepath.Join(cfg.WorkDir, "serve-pipecat.cpu.pprof")
	testkit.CheckCPUProfile(t, profile)
	if want := "serve-pipecat: CPU profile in " + profile; !strings.Contains(progress.String(), want) {
		t.Errorf("progress lacks %q:\n%s", want, progress)
	}
	if profiles, _ := filepath.Glob(filepath.Join(cfg.WorkDir, "*.pprof")); len(profiles) != 1 {
		t.Errorf("profiles %v, want serve-pipecat's alone (the runners are not serve)", profiles)
	}
	checkSchema(t, rep)
}
