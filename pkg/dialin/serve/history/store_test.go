package history_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/internal/testkit/historytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
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

// TestRecordersOfTwoReplicasShareACall: two recorders (replicas) on one Redis record the
// events of one call, each the ones its replica saw. Every step is kept, in order, and an
// event costs one round trip (a Swap of the version the recorder last wrote), or two when
// the recorder's version is missing or stale (a read, or a failed Swap that returns the
// stored version).
func TestRecordersOfTwoReplicasShareACall(t *testing.T) {
	t.Parallel()
	srv := redistest.Shared(t)
	prefix := "share:" + t.Name() + ":"
	type replica struct {
		rec     *history.Recorder
		updates <-chan history.Update
		trips   *redisstate.RoundTrips
	}
	newReplica := func() replica {
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
		t.Cleanup(func() { rdb.Close() })
		store := history.NewRedis(rdb, prefix, 10, time.Hour)
		// Load the script and open the connections first (HELLO passes the hooks too).
		store.Put(context.Background(), history.Call{CallID: "warm", ReceivedAt: time.Now()})
		store.Get(context.Background(), "warm")
		r := replica{rec: history.NewRecorder(store, nil), trips: redisstate.CountRoundTrips(rdb)}
		t.Cleanup(r.rec.Close)
		var cancel func()
		r.updates, cancel = r.rec.Subscribe()
		t.Cleanup(cancel)
		return r
	}
	a, b := newReplica(), newReplica()
	t0 := time.Now()
	emit := func(r replica, kind serve.EventKind, ms int, e serve.Event) {
		t.Helper()
		e.CallID, e.Kind = "c1", kind
		e.Since = time.Duration(ms) * time.Millisecond
		e.At = t0.Add(e.Since)
		r.rec.Emit(e)
		select {
		case <-r.updates:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s not recorded", kind)
		}
	}
	emit(a, serve.EventReceived, 0, serve.Event{Rule: "default", From: "+15550001111", To: "+14155550100"})
	emit(a, serve.EventAdmitted, 1, serve.Event{})
	emit(a, serve.EventRoomCreated, 40, serve.Event{Room: "r1"})
	emit(a, serve.EventBotStarted, 60, serve.Event{PID: 42})
	if n := a.trips.Load(); n != 4 {
		t.Fatalf("replica a's first 4 events cost %d round trips, want 4", n)
	}
	emit(b, serve.EventConnected, 1500, serve.Event{Room: "r1"})    // b reads the call first
	emit(a, serve.EventEnded, 9000, serve.Event{Reason: "stopped"}) // a's version is stale
	if na, nb := a.trips.Load(), b.trips.Load(); na != 6 || nb != 2 {
		t.Fatalf("round trips: replica a %d (want 6), b %d (want 2)", na, nb)
	}
	got, ok, err := a.rec.Store().Get(context.Background(), "c1")
	var kinds []string
	for _, s := range got.Steps {
		kinds = append(kinds, s.Kind)
	}
	if err != nil || !ok || got.Outcome != history.Answered || got.HoldMs != 1500 ||
		strings.Join(kinds, " ") != "received admitted room_created bot_started connected ended" {
		t.Fatalf("call = %+v (%v %v); steps %v", got, ok, err, kinds)
	}
}
