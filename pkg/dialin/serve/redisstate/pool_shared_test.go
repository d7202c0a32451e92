package redisstate_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/pool"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// sharedPool is warm room pools of several "replicas" (pool.Pool values, each with its own
// Redis client, Daily client and metrics) sharing one PoolStore in Redis and one emulator.
type sharedPool struct {
	t        *testing.T
	emu      *dailytest.Server
	cfg      *serveconfig.Config
	prefix   string
	opts     sharedOpts
	replicas []*poolReplica
	observer *redisstate.Lease // reads who holds the refill lease

	mu   sync.Mutex
	adds map[string]string // room → the replica that added it to the store
}

type sharedOpts struct {
	rooms      int
	refill     float64
	lifetime   time.Duration
	leaseTTL   time.Duration
	leaseRetry time.Duration
	now        func() time.Time
	emu        []dailytest.Option
}

type poolReplica struct {
	id   string
	rdb  *redis.Client
	pool *pool.Pool
	reg  *prometheus.Registry
}

func newSharedPool(t *testing.T, o sharedOpts) *sharedPool {
	t.Helper()
	if o.leaseTTL == 0 {
		o.leaseTTL = 2 * time.Second
	}
	if o.leaseRetry == 0 {
		o.leaseRetry = 50 * time.Millisecond
	}
	s := &sharedPool{t: t, emu: dailytest.New(t, o.emu...), prefix: uniquePrefix(), opts: o, adds: map[string]string{}}
	s.cfg = &serveconfig.Config{
		Pool:    rules.Pool{Rooms: o.rooms, RefillPerSecond: o.refill, RoomLifetime: o.lifetime},
		Room:    rules.Room{Exp: 2 * time.Minute},
		Default: &rules.Rule{Bot: rules.Bot{Cmd: "/bin/true"}},
	}
	if err := s.cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	s.observer = redisstate.NewLease(clientOf(t, redistest.Shared(t)), s.prefix, "pool-refill:default", "observer", time.Second)
	return s
}

// loggedStore is the replica's real PoolStore; it notes who added each room.
type loggedStore struct {
	*redisstate.PoolStore
	s  *sharedPool
	id string
}

// Add notes the room before it is visible in Redis, so that a test that sees the room in
// the pool also sees who added it.
func (l loggedStore) Add(ctx context.Context, rule string, room serve.Room, retires time.Time) error {
	l.s.mu.Lock()
	l.s.adds[room.Name] = l.id
	l.s.mu.Unlock()
	err := l.PoolStore.Add(ctx, rule, room, retires)
	if err != nil {
		l.s.mu.Lock()
		delete(l.s.adds, room.Name)
		l.s.mu.Unlock()
	}
	return err
}

// start adds a replica and starts its pool.
func (s *sharedPool) start(id string) *poolReplica {
	t := s.t
	t.Helper()
	r := &poolReplica{id: id, reg: prometheus.NewRegistry()}
	r.rdb = clientOf(t, redistest.Shared(t)).(*redis.Client)
	var err error
	r.pool, err = pool.New(pool.Config{
		Client: daily.New(s.emu.APIKey, daily.WithBaseURL(s.emu.URL)), Config: s.cfg, Registerer: r.reg,
		Now: s.opts.now, CheckEvery: 10 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
		Store:  loggedStore{PoolStore: redisstate.NewPoolStore(r.rdb, s.prefix), s: s, id: id},
		RefillLease: func(rule string) pool.Lease {
			return redisstate.NewLease(r.rdb, s.prefix, "pool-refill:"+rule, id, s.opts.leaseTTL)
		},
		LeaseRetry: s.opts.leaseRetry,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.pool.Close() })
	if err := r.pool.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.replicas = append(s.replicas, r)
	return r
}

// holder is the replica refilling the default rule's pool ("" if none).
func (s *sharedPool) holder() string {
	h, err := s.observer.Holder(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return h
}

// addedBy counts the rooms each replica added.
func (s *sharedPool) addedBy() map[string]int {
	out := map[string]int{}
	for _, id := range s.addsCopy() {
		out[id]++
	}
	return out
}

func (s *sharedPool) addedByWhom(room string) string { return s.addsCopy()[room] }

func (s *sharedPool) addsCopy() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.adds)
}

// roomsCreated counts the rooms Daily created (POST /rooms answered 200), and its 429s.
func (s *sharedPool) roomsCreated() (created []time.Time, limited int) {
	for _, r := range s.emu.Requests() {
		if r.Method == "POST" && r.Path == "/rooms" {
			switch r.Status {
			case 200:
				created = append(created, r.At)
			case 429:
				limited++
			}
		}
	}
	return created, limited
}

func (s *sharedPool) metric(name string) float64 {
	sum := 0.0
	for _, r := range s.replicas {
		fams, _ := r.reg.Gather()
		for _, f := range fams {
			if f.GetName() == name {
				for _, m := range f.GetMetric() {
					sum += m.GetCounter().GetValue()
				}
			}
		}
	}
	return sum
}

func (s *sharedPool) request(from string) serve.RoomRequest {
	return serve.RoomRequest{CallID: "c-" + from, CallDomain: "d", From: from, To: testNumber, Rule: s.cfg.Default}
}

// takeAll takes n rooms at once, spread over the replicas.
func (s *sharedPool) takeAll(n int) ([]serve.Room, []error) {
	rooms, errs := make([]serve.Room, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rooms[i], errs[i] = s.replicas[i%len(s.replicas)].pool.Room(context.Background(), s.request(fmt.Sprintf("+1555000%04d", i)))
		}()
	}
	wg.Wait()
	return rooms, errs
}
