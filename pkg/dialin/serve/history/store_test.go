package history_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/internal/testkit/historytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
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

// TestRedisGetOneRoundTrip: the recorder reads a call for each event, so a read is one
// request to Redis, as is a write.
func TestRedisGetOneRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := redistest.Shared(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { rdb.Close() })
	store := history.NewRedis(rdb, "trip:"+t.Name()+":", 10, time.Hour)
	// Open the connections first: go-redis's HELLO on a new one passes the hooks too.
	store.Put(ctx, history.Call{CallID: "warm", ReceivedAt: time.Now()})
	store.Get(ctx, "warm")
	trips := redisstate.CountRoundTrips(rdb)
	if err := store.Put(ctx, history.Call{CallID: "c1", ReceivedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := store.Get(ctx, "c1")
	if err != nil || !ok || got.CallID != "c1" {
		t.Fatalf("Get = %+v %v %v", got, ok, err)
	}
	if _, ok, err := store.Get(ctx, "unknown"); ok || err != nil {
		t.Fatalf("unknown call: %v %v", ok, err)
	}
	if n := trips.Load(); n != 3 {
		t.Fatalf("a write and two reads cost %d round trips, want 3", n)
	}
}
