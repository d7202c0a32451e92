package redisstate_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/caps"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

// benchClient is a client of the shared server with a pool large enough for the parallel
// benchmarks.
func benchClient(b *testing.B) (*redis.Client, string) {
	srv := redistest.Shared(b)
	cfg, err := redisstate.ParseURL(srv.URL()+"?pool_size=64", func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	rdb := redis.NewClient(cfg.Options)
	b.Cleanup(func() { rdb.Close() })
	return rdb, uniquePrefix()
}

// BenchmarkCallState runs every state step of one call, as serve takes them with patch: bot
// and Daily's events (8 round trips: see TestRoundTripsPerCall), from many goroutines at
// once, as replicas would. ns/op is the time per call with that concurrency, so 1e9/ns_op
// is the calls per second one Redis serves; webhook_us is the state's share of the time
// before the webhook is answered (OnceClaim).
func BenchmarkCallState(b *testing.B) {
	for _, p := range []int{1, 8} {
		b.Run(fmt.Sprintf("parallel=%d", p*runtime.GOMAXPROCS(0)), func(b *testing.B) { benchCallState(b, p) })
	}
}

func benchCallState(b *testing.B, parallelism int) {
	rdb, prefix := benchClient(b)
	store := redisstate.NewStore(rdb, redisstate.StoreOptions{Prefix: prefix, TTL: time.Minute})
	gate := redisstate.NewGate(rdb, redisstate.GateOptions{Prefix: prefix, Global: 1 << 30, QueueTimeout: time.Second, LeaseTTL: time.Minute})
	defer gate.Close()
	trips := redisstate.CountRoundTrips(rdb)
	ctx := context.Background()
	var n, webhookNS atomic.Int64
	body := []byte(`{"status":"accepted","call_id":"00000000-0000-0000-0000-000000000000","rule":"default"}`)
	b.SetParallelism(parallelism)
	usec := redisCPU(b, rdb)
	b.ResetTimer()
	start := trips.Load()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprint("call-", n.Add(1))
			room := "room-" + id
			rec := callstore.Record{CallID: id, CallDomain: "dom", To: "+14155550100", From: "+15550001111", State: callstore.Accepted,
				Owner: "bench", ReceivedAt: time.Now(), Answer: callstore.Answer{Status: 200, Body: body}}
			t0 := time.Now()
			_, _, claimed, err := store.OnceClaim(ctx, "sig:"+id, time.Minute, rec)
			must(b, err)
			webhookNS.Add(int64(time.Since(t0)))
			if !claimed {
				b.Fatal("claim lost")
			}
			_, err = gate.Acquire(ctx, caps.Request{CallID: id, Rule: "default"}, nil)
			must(b, err)
			rec.State, rec.Room, rec.RoomURL, rec.SIPEndpoints = callstore.Admitted, room, "https://x.daily.co/"+room, []string{"sip:" + room + ".0@x"}
			must(b, store.Put(ctx, rec))
			rec.State = callstore.BotStarted
			must(b, store.Put(ctx, rec))
			_, _, err = store.ByRoom(ctx, room) // dialin.ready
			must(b, err)
			for _, st := range []callstore.State{callstore.Connected, callstore.Ended} { // dialin.connected, .stopped
				_, _, _, err = store.MarkByRoom(ctx, room, callstore.Mark{State: st, At: time.Now()})
				must(b, err)
			}
			gate.Release(id)
		}
	})
	b.StopTimer()
	calls := float64(n.Load())
	b.ReportMetric(float64(trips.Load()-start)/calls, "trips/call")
	b.ReportMetric(float64(webhookNS.Load())/calls/1e3, "webhook_us")
	b.ReportMetric((redisCPU(b, rdb)-usec)/calls, "redis_cpu_us/call")
}

// redisCPU is the CPU time Redis reports having spent in commands so far (INFO
// commandstats), in microseconds: Redis runs commands on one thread, so 1e6 / (CPU per call)
// bounds the calls per second one Redis can take.
func redisCPU(b *testing.B, rdb *redis.Client) float64 {
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	total := 0.0
	for _, line := range strings.Split(info, "\n") {
		_, stats, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.HasPrefix(line, "cmdstat_") {
			continue
		}
		for _, kv := range strings.Split(stats, ",") {
			if v, ok := strings.CutPrefix(kv, "usec="); ok {
				f, _ := strconv.ParseFloat(v, 64)
				total += f
			}
		}
	}
	return total
}

// BenchmarkQueuedAdmission: calls that wait behind a full global cap, across two gates
// (replicas), each admitted as another is released; ns/op is the time per admission.
func BenchmarkQueuedAdmission(b *testing.B) {
	rdb, prefix := benchClient(b)
	other, _ := benchClient(b)
	o := redisstate.GateOptions{Prefix: prefix, Global: 20, QueueTimeout: time.Minute, LeaseTTL: time.Minute}
	gates := []*redisstate.Gate{redisstate.NewGate(rdb, o), redisstate.NewGate(other, o)}
	defer gates[0].Close()
	defer gates[1].Close()
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(16) // more callers than slots: most wait
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			id := fmt.Sprint("q-", i)
			g := gates[i%2]
			if _, err := g.Acquire(ctx, caps.Request{CallID: id}, nil); err != nil {
				b.Fatal(err)
			}
			gates[(i+1)%2].Release(id)
		}
	})
}

func must(b *testing.B, err error) {
	if err != nil {
		b.Fatal(err)
	}
}
