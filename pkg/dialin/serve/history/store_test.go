package history_test

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/internal/testkit/historytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	redistest.StopShared()
	os.Exit(code)
}

// TestMemoryStoreContract: the in-memory store keeps, caps and expires calls.
func TestMemoryStoreContract(t *testing.T) {
	t.Parallel()
	historytest.Run(t, func(_ *testing.T, capacity int, ttl time.Duration) history.Store {
		return history.NewMemory(capacity, ttl, nil)
	})
}

// TestRedisStoreContract: the Redis store (--state redis://) does the same, in a real
// redis-server.
func TestRedisStoreContract(t *testing.T) {
	t.Parallel()
	historytest.Run(t, func(t *testing.T, capacity int, ttl time.Duration) history.Store {
		srv := redistest.Shared(t)
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
		t.Cleanup(func() { rdb.Close() })
		var b [6]byte
		_, _ = rand.Read(b[:])
		return history.NewRedis(rdb, "t"+hex.EncodeToString(b[:])+":", capacity, ttl)
	})
}
