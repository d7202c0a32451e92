package pool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// maxInFlight bounds the room creations one rule's pool has under way at once.
const maxInFlight = 4

// rulePool keeps one rule's rooms, in the pool's Store.
type rulePool struct {
	p        *Pool
	rule     *rules.Rule
	settings rules.Pool
	lifetime time.Duration
	perSec   float64 // the refill rate
	ceiling  int     // an auto pool's largest size (capRooms)
	refill   *rate.Limiter
	calls    callRate // the calls that asked this pool for a room
	m        ruleMetrics
	wake     chan struct{}
	delWake  chan struct{}

	mu           sync.Mutex
	creating     int
	failures     int
	retryAt      time.Time     // real time
	retired      []string      // rooms to delete
	storeFailing bool          // the Store's last answer to the refill was an error
	latency      time.Duration // a room creation's time, a moving average (real time)

	// target is the size the refill keeps the pool at, as of its last pass; passes counts
	// the passes (tests wait for one to see that the pool created nothing more).
	target, passes atomic.Int64

	// ready is the pool's size at the Store's last answer (take, refill, size), for readers
	// that must not wait for the Store (serve's admission control).
	ready atomic.Int64
}

// setReady records the size the Store answered, in the gauge and for Stocked.
func (rp *rulePool) setReady(n int) {
	rp.ready.Store(int64(n))
	rp.m.size.Set(float64(n))
}

func newRulePool(p *Pool, r *rules.Rule, settings rules.Pool) *rulePool {
	if settings.RoomLifetime <= 0 {
		settings.RoomLifetime = time.Hour
	}
	rp := &rulePool{p: p, rule: r, settings: settings, lifetime: settings.RoomLifetime, wake: make(chan struct{}, 1), delWake: make(chan struct{}, 1), m: p.m.forRule(r.Name)}
	rp.perSec = settings.RefillPerSecond
	if rp.perSec <= 0 {
		rp.perSec = serveconfig.DefaultRefillPerSecond
	}
	rp.refill = rate.NewLimiter(rate.Limit(rp.perSec), 1)
	rp.ceiling = capRooms(rp.perSec, rp.lifetime)
	return rp
}

// sizeLocked is the number of rooms the pool keeps now: the fixed pool.rooms, or an auto
// pool's size for the rule's observed call rate.
func (rp *rulePool) sizeLocked(now time.Time) int {
	if !rp.settings.Auto {
		return rp.settings.Rooms
	}
	replace := rp.latency + time.Duration(float64(time.Second)/rp.perSec)
	return autoTarget(rp.calls.perSecond(now), replace, rp.settings.MinRooms, rp.ceiling)
}

// setTargetLocked computes the pool's size now and publishes it (Target, the gauge).
func (rp *rulePool) setTargetLocked(now time.Time) int {
	target := rp.sizeLocked(now)
	rp.target.Store(int64(target))
	rp.m.target.Set(float64(target))
	return target
}

// lead is how long before a room retires its replacement is created: the time to recreate
// a pool of size rooms at the refill rate, plus a margin; at most half the lifetime, so a
// room serves at least half of it.
func (rp *rulePool) lead(size int) time.Duration {
	return min(time.Duration(float64(size)/rp.perSec*float64(time.Second))+replaceMargin, rp.lifetime/2)
}

func (rp *rulePool) poke() {
	select {
	case rp.wake <- struct{}{}:
	default:
	}
}

// take hands out the room that retires first among those that have not retired. A Store
// that fails makes it a miss: the call gets a room made on demand.
func (rp *rulePool) take(ctx context.Context) (serve.Room, bool) {
	now := rp.p.cfg.Now()
	rp.calls.observe(now, 1)
	room, ok, lvl, err := rp.p.store.Take(ctx, rp.rule.Name, now)
	rp.retire(lvl.Retired, true)
	if err != nil {
		rp.m.misses.Inc()
		rp.p.log.Warn("taking a pooled room failed; creating one for the call", "rule", rp.rule.Name, "err", err.Error())
		return serve.Room{}, false
	}
	rp.setReady(lvl.Ready)
	if !ok {
		rp.m.misses.Inc()
		return serve.Room{}, false
	}
	rp.m.hits.Inc()
	rp.poke()
	return room, true
}

// size counts the rooms that can be handed out now (and retires those that cannot).
func (rp *rulePool) size() int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	now := rp.p.cfg.Now()
	lvl, err := rp.p.store.Len(ctx, rp.rule.Name, now, now)
	rp.retire(lvl.Retired, true)
	if err != nil {
		return 0
	}
	rp.setReady(lvl.Ready)
	return lvl.Ready
}

func (rp *rulePool) retire(names []string, counted bool) {
	if len(names) == 0 {
		return
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.retireLocked(names, counted)
}

// retireLocked queues rooms out of the pool for deletion; counted ones reached their
// lifetime (the others could not be pooled).
func (rp *rulePool) retireLocked(names []string, counted bool) {
	if len(names) == 0 {
		return
	}
	rp.retired = append(rp.retired, names...)
	if counted {
		rp.m.retired.Add(float64(len(names)))
	}
	select {
	case rp.delWake <- struct{}{}:
	default:
	}
}

// fill starts the room creations the pool needs and may make now, and says how long to wait
// before trying again. The lock is held across the Store's answer so that rooms being
// created are counted exactly once (create adds a room and stops counting it at once).
func (rp *rulePool) fill(ctx context.Context, creations *sync.WaitGroup) time.Duration {
	now := rp.p.cfg.Now()
	rp.mu.Lock()
	defer rp.mu.Unlock()
	defer rp.passes.Add(1)
	target := rp.setTargetLocked(now)
	lvl, err := rp.p.store.Len(ctx, rp.rule.Name, now, now.Add(rp.lead(target)))
	rp.retireLocked(lvl.Retired, true)
	if err != nil {
		if ctx.Err() == nil && !rp.storeFailing {
			rp.storeFailing = true
			rp.p.log.Warn("reading the room pool failed; refilling when it answers again", "rule", rp.rule.Name, "err", err.Error())
		}
		return rp.p.cfg.CheckEvery
	}
	if rp.storeFailing {
		rp.storeFailing = false
		rp.p.log.Info("the room pool answers again; refilling", "rule", rp.rule.Name)
	}
	rp.setReady(lvl.Ready)
	// Rooms beyond the target (an auto pool after its calls slowed down) are handed out
	// first, being the oldest, and are not replaced: the pool shrinks as they go.
	for lvl.Fresh+rp.creating < target && rp.creating < maxInFlight {
		real := time.Now()
		if real.Before(rp.retryAt) {
			return rp.retryAt.Sub(real)
		}
		res := rp.refill.ReserveN(real, 1)
		if d := res.DelayFrom(real); d > 0 {
			res.CancelAt(real)
			return d
		}
		// Calls waiting for a room on demand have reserved the shared bucket's next tokens,
		// so a refill only gets a token nobody waits for.
		if !rp.p.limiter.AllowN(real, 1) {
			res.CancelAt(real)
			return time.Duration(float64(time.Second) / float64(rp.p.limiter.Limit()))
		}
		rp.creating++
		creations.Add(1)
		go func() {
			defer creations.Done()
			rp.create(ctx)
		}()
	}
	return rp.p.cfg.CheckEvery
}

// create makes one room and adds it to the pool.
func (rp *rulePool) create(ctx context.Context) {
	created, start := rp.p.cfg.Now(), time.Now()
	room, err := rp.createRoom(ctx, created)
	took := time.Since(start)
	rp.mu.Lock()
	defer rp.poke()
	defer rp.mu.Unlock()
	rp.creating--
	if err == nil {
		// A moving average over about the last five creations: how long a refill takes to
		// replace a room, beyond the wait for the refill rate.
		rp.latency += (took - rp.latency) / 5
	}
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		rp.m.errors.Inc()
		if now := time.Now(); now.After(rp.retryAt) { // creations that were under way together fail as one
			rp.failures++
			d := min(time.Second<<min(rp.failures-1, 6), time.Minute)
			rp.retryAt = now.Add(d)
			rp.p.log.Warn("creating a pooled room failed; backing off", "rule", rp.rule.Name, "retry_in", d.String(), "err", err.Error())
		}
		return
	}
	rp.failures = 0
	// Added even when the pool is closing: the room exists, and a shared pool's other
	// replicas can use it.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := rp.p.store.Add(actx, rp.rule.Name, room, created.Add(rp.lifetime)); err != nil {
		rp.p.log.Warn("pooling a new room failed; deleting it", "rule", rp.rule.Name, "room", room.Name, "err", err.Error())
		rp.retireLocked([]string{room.Name}, false)
	}
}

// createRoom is RESTRooms' request with the pool's exp and no caller yet.
func (rp *rulePool) createRoom(ctx context.Context, created time.Time) (serve.Room, error) {
	settings := rp.rule.Room
	// Rounded up, so that a room taken just before its lifetime ends still has settings.Exp.
	exp := created.Add(rp.lifetime + settings.Exp + time.Second - 1).Truncate(time.Second)
	// A refill goes after the requests of calls that wait and of patches (daily.Priority).
	room, err := rp.p.cfg.Client.CreateRoom(daily.WithPriority(ctx, daily.PriorityRefill), daily.CreateRoomRequest{
		Properties: daily.RoomProperties{
			Exp:            exp.Unix(),
			EjectAtRoomExp: true,
			SIP: &daily.SIPProperties{
				DisplayName:  serve.DisplayName(""),
				SIPMode:      "dial-in",
				Video:        settings.VideoOn(),
				NumEndpoints: settings.NumEndpoints,
			},
		},
	})
	if err != nil {
		return serve.Room{}, err
	}
	if room.Config.SIPURI == nil || room.Config.SIPURI.Endpoint == "" {
		return serve.Room{}, errors.New("Daily returned the room without a sip_uri")
	}
	return serve.Room{Name: room.Name, URL: room.URL, SIPURI: room.Config.SIPURI.Endpoint, Endpoints: room.Config.SIPURI.Endpoints(), Exp: exp}, nil
}
