package pool

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// Daily's published limit for POST /rooms (most endpoints): 20 requests per second, or 100
// per 5 s window. A bucket of 18/s with a burst of 10 lets at most 10 + 18·5 = 100 through
// in any 5 s.
const (
	RoomCreateRate  = rate.Limit(18)
	RoomCreateBurst = 10
)

// NewLimiter returns a token bucket at Daily's room-creation rate: the published one times
// scale (serveconfig.Config.RateScale, above 1 for a domain whose limits Daily raised).
func NewLimiter(scale float64) *rate.Limiter {
	if scale <= 0 {
		scale = 1
	}
	return rate.NewLimiter(RoomCreateRate*rate.Limit(scale), max(1, int(RoomCreateBurst*scale)))
}

// Config configures a Pool.
type Config struct {
	// Client creates and deletes the rooms.
	Client *daily.Client
	// Config is serve's configuration; each rule's Pool settings (after Normalize, which
	// serve.New does) say how many rooms it keeps. It is read at Start.
	Config *serveconfig.Config
	// Settings returns a rule's pool settings, for flags that override the file's; nil: the
	// rule's own Pool.
	Settings func(r *rules.Rule) rules.Pool
	// Limiter paces every room creation, refills and on-demand alike; nil: NewLimiter at
	// the configuration's rate scale.
	Limiter *rate.Limiter
	// OnDemand creates a room when a pool is empty or a rule has none; nil: serve.RESTRooms.
	OnDemand serve.RoomSource
	// Now is the clock of room ages and exp; nil: time.Now. Rate limits use real time.
	Now func() time.Time
	// Logger receives refill errors; nil discards them.
	Logger *slog.Logger
	// Registerer receives the pool's metrics (serve's Metrics().Registry()); nil: none.
	Registerer prometheus.Registerer
	// CheckEvery is how often rooms are checked for age when nothing else happens; 0: 1 s.
	CheckEvery time.Duration

	// Store keeps the pooled rooms; nil: NewMemoryStore(), this process's own. A Store that
	// several replicas share (redisstate.PoolStore) makes one pool of them all; give it a
	// RefillLease too, so that one replica at a time refills it.
	Store Store
	// RefillLease, if set, returns the lease a pool must hold to refill the rule's rooms;
	// nil: this pool always refills its rules.
	RefillLease func(rule string) Lease
	// LeaseRetry is how often a pool without the refill lease tries to take it, and reads
	// the shared pool's size for its gauge; 0: 2 s.
	LeaseRetry time.Duration
}

// Pool is a serve.RoomSource with a warm pool of rooms per rule.
type Pool struct {
	cfg     Config
	store   Store
	limiter *rate.Limiter
	log     *slog.Logger
	m       *metrics

	mu     sync.Mutex
	pools  map[string]*rulePool // by rule name
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed bool
}

// New checks the configuration and registers the metrics; Start creates the rooms.
func New(cfg Config) (*Pool, error) {
	if cfg.Client == nil || cfg.Config == nil {
		return nil, errors.New("room pool: a Daily client and serve's configuration are required")
	}
	p := &Pool{cfg: cfg, store: cfg.Store, limiter: cfg.Limiter, log: cfg.Logger, pools: map[string]*rulePool{}}
	if p.store == nil {
		p.store = NewMemoryStore()
	}
	if p.limiter == nil {
		p.limiter = NewLimiter(cfg.Config.RateScale())
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.cfg.Now == nil {
		p.cfg.Now = time.Now
	}
	if p.cfg.CheckEvery <= 0 {
		p.cfg.CheckEvery = time.Second
	}
	if p.cfg.LeaseRetry <= 0 {
		p.cfg.LeaseRetry = 2 * time.Second
	}
	if p.cfg.OnDemand == nil {
		p.cfg.OnDemand = &serve.RESTRooms{Client: cfg.Client, Now: p.cfg.Now}
	}
	var err error
	if p.m, err = newMetrics(cfg.Registerer); err != nil {
		return nil, err
	}
	return p, nil
}

// Start begins filling a pool for every rule that has one (pool.rooms auto or above 0), in
// the background; it does not wait for the rooms.
func (p *Pool) Start(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil || p.closed {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	for _, r := range p.cfg.Config.AllRules() {
		settings := r.Pool
		if p.cfg.Settings != nil {
			settings = p.cfg.Settings(r)
		}
		if !settings.Enabled() {
			continue
		}
		rp := newRulePool(p, r, settings)
		p.pools[r.Name] = rp
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			rp.run(ctx)
		}()
	}
	return nil
}

// Room implements serve.RoomSource: a pooled room when the rule's pool has one, else a room
// created on demand (paced by the shared limiter).
func (p *Pool) Room(ctx context.Context, req serve.RoomRequest) (serve.Room, error) {
	p.mu.Lock()
	rp := p.pools[req.Rule.Name]
	p.mu.Unlock()
	if rp != nil {
		if room, ok := rp.take(ctx); ok {
			return room, nil
		}
	}
	if err := p.limiter.Wait(ctx); err != nil {
		return serve.Room{}, err
	}
	return p.cfg.OnDemand.Room(ctx, req)
}

// Size is the number of rooms the rule's pool can hand out now (0 if its Store fails).
func (p *Pool) Size(rule string) int {
	p.mu.Lock()
	rp := p.pools[rule]
	p.mu.Unlock()
	if rp == nil {
		return 0
	}
	return rp.size()
}

// Stocked is the rule's pool size at the Store's last answer, without asking it again: a
// shared pool's size is at most a refill check (CheckEvery) old. serve's admission control
// reads it on every webhook.
func (p *Pool) Stocked(rule string) int {
	p.mu.Lock()
	rp := p.pools[rule]
	p.mu.Unlock()
	if rp == nil {
		return 0
	}
	return int(rp.ready.Load())
}

// Target is the size the rule's pool refills to, as of its last refill pass (0 for a rule
// without a pool, or before the first pass).
func (p *Pool) Target(rule string) int {
	p.mu.Lock()
	rp := p.pools[rule]
	p.mu.Unlock()
	if rp == nil {
		return 0
	}
	return int(rp.target.Load())
}

// Close stops the refills and waits for room creations under way. Pooled rooms are left to
// expire.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.closed = true
	cancel := p.cancel
	p.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	p.wg.Wait()
	return nil
}
