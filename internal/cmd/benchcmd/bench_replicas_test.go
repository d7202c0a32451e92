package benchcmd_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dialin-project/dialin/internal/bench"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

// TestBenchReplicasShareRedis runs serve and serve-warm as two replicas each, sharing a real
// Redis behind the bench's balancer: every call connects, each with one bot across both
// replicas, and the report says how many replicas ran and what the shared state cost. With
// CPUProfile, each replica writes a CPU profile of its own.
func TestBenchReplicasShareRedis(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	cfg := smallConfig(t)
	cfg.Systems = []string{bench.SystemServe, bench.SystemWarm}
	cfg.Replicas, cfg.State = 2, srv.URL()
	cfg.WorkDir, cfg.CPUProfile = t.TempDir(), true
	rep, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Systems) != 2 || rep.Config.Replicas != 2 || rep.Config.State != srv.URL() {
		t.Fatalf("systems %d, config %+v", len(rep.Systems), rep.Config)
	}
	for _, s := range rep.Systems {
		if s.Calls != 15 || s.Connected != 15 || s.Lost != 0 || s.BotsStarted != 15 {
			t.Errorf("%s: calls %d connected %d lost %d bots started %d; want every call connected, with one bot", s.Name, s.Calls, s.Connected, s.Lost, s.BotsStarted)
		}
		if s.Replicas != 2 || s.StateRoundTripsPerCall < 6 {
			t.Errorf("%s: replicas %d, state round trips per call %v", s.Name, s.Replicas, s.StateRoundTripsPerCall)
		}
		if s.Name == bench.SystemWarm && s.CriticalRequestsPerCall != 0 {
			t.Errorf("serve-warm: %v Daily requests per call between webhook and bot; want none (the shared pool)", s.CriticalRequestsPerCall)
		}
	}
	for _, name := range []string{"serve-1", "serve-2", "serve-warm-1", "serve-warm-2"} {
		testkit.CheckCPUProfile(t, filepath.Join(cfg.WorkDir, name+".cpu.pprof"))
	}
	// The schema of issue 5, plus the two optional keys.
	b, _ := json.Marshal(rep)
	var top struct {
		Config  map[string]any   `json:"config"`
		Systems []map[string]any `json:"systems"`
	}
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	if top.Config["replicas"] != 2.0 || top.Config["state"] != srv.URL() {
		t.Errorf("config %v", top.Config)
	}
	want := []string{"calls", "connected", "connected_ms", "cpu_s", "daily_requests_per_call", "handoff_ms", "lost", "name", "peak_rss_mb", "replicas", "state_round_trips_per_call"}
	for _, s := range top.Systems {
		if got := keys(s); !slices.Equal(got, want) {
			t.Errorf("system keys %v, want %v", got, want)
		}
	}
}
