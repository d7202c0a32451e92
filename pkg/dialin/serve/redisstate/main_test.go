package redisstate_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

// TestMain runs the tests against one redis-server per test binary (tests that restart Redis
// start their own), and lets the test binary be a serve replica in its own process for the
// SIGKILL test (see runReplica).
func TestMain(m *testing.M) {
	if os.Getenv(replicaEnv) != "" {
		runReplica()
		return
	}
	redis.SetLogger(quiet{})  // the outage tests make go-redis report every failed dial
	testkit.DefaultParallel() // the tests wait on leases, restarts and bots
	code := m.Run()
	redistest.StopShared()
	os.Exit(code)
}

type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// client returns a client of the shared server and a key prefix of the test's own.
func client(t *testing.T) (redis.UniversalClient, string) {
	t.Helper()
	srv := redistest.Shared(t)
	return clientOf(t, srv), uniquePrefix()
}

func clientOf(t *testing.T, srv *redistest.Server) redis.UniversalClient {
	t.Helper()
	cfg, err := redisstate.ParseURL(srv.URL(), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(cfg.Options)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func uniquePrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "t" + hex.EncodeToString(b[:]) + ":"
}

// loadSlack is what a test allows, beyond a lease TTL, for a replica to notice and act on
// an expired lease: the tests run beside others on a loaded 2-core machine, where a
// goroutine may wait seconds for a CPU. It stays well under the timeouts that would
// otherwise end the wait (queue timeouts, the one-minute default lease).
const loadSlack = 5 * time.Second

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
