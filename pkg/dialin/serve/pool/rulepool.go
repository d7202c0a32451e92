package pool

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// maxInFlight bounds the room creations one rule's pool has under way at once.
const maxInFlight = 4

// pooled is a room waiting for a call.
type pooled struct {
	room    serve.Room
	created time.Time // on the pool's clock, taken before the request
}

// rulePool keeps one rule's rooms.
type rulePool struct {
	p        *Pool
	rule     *rules.Rule
	settings rules.Pool
	lifetime time.Duration
	lead     time.Duration // replacements are created this long before a room retires
	refill   *rate.Limiter
	m        ruleMetrics
	wake     chan struct{}
	delWake  chan struct{}

	mu       sync.Mutex
	rooms    []pooled // oldest first
	creating int
	failures int
	retryAt  time.Time // real time
	retired  []string  // rooms to delete
}

func newRulePool(p *Pool, r *rules.Rule, settings rules.Pool) *rulePool {
	if settings.RoomLifetime <= 0 {
		settings.RoomLifetime = time.Hour
	}
	rp := &rulePool{p: p, rule: r, settings: settings, lifetime: settings.RoomLifetime, wake: make(chan struct{}, 1), delWake: make(chan struct{}, 1), m: p.m.forRule(r.Name)}
	refill := settings.RefillPerSecond
	if refill <= 0 {
		refill = 5
	}
	rp.refill = rate.NewLimiter(rate.Limit(refill), 1)
	// Time to recreate the whole pool at the refill rate, plus a margin; at most half the
	// lifetime, so a room serves at least half of it.
	rp.lead = min(time.Duration(float64(settings.Rooms)/refill*float64(time.Second))+5*time.Second, rp.lifetime/2)
	return rp
}

func (rp *rulePool) poke() {
	select {
	case rp.wake <- struct{}{}:
	default:
	}
}

// take hands out the oldest room that has not outlived its lifetime.
func (rp *rulePool) take() (serve.Room, bool) {
	now := rp.p.cfg.Now()
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.retireLocked(now)
	if len(rp.rooms) == 0 {
		rp.m.misses.Inc()
		return serve.Room{}, false
	}
	r := rp.rooms[0]
	rp.rooms[0] = pooled{}
	rp.rooms = rp.rooms[1:]
	rp.m.hits.Inc()
	rp.m.size.Set(float64(len(rp.rooms)))
	rp.poke()
	return r.room, true
}

func (rp *rulePool) size() int {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return len(rp.rooms)
}

// retireLocked takes out the rooms that reached their lifetime; they are deleted later.
func (rp *rulePool) retireLocked(now time.Time) {
	n := 0
	for n < len(rp.rooms) && !now.Before(rp.rooms[n].created.Add(rp.lifetime)) {
		rp.retired = append(rp.retired, rp.rooms[n].room.Name)
		n++
	}
	if n > 0 {
		rp.rooms = slices.Delete(rp.rooms, 0, n)
		rp.m.retired.Add(float64(n))
		rp.m.size.Set(float64(len(rp.rooms)))
		select {
		case rp.delWake <- struct{}{}:
		default:
		}
	}
}

// run keeps the pool full until ctx ends.
func (rp *rulePool) run(ctx context.Context) {
	var creations sync.WaitGroup
	defer creations.Wait()
	creations.Add(1)
	go func() {
		defer creations.Done()
		rp.deleteRetired(ctx)
	}()
	for {
		wait := rp.fill(ctx, &creations)
		timer := time.NewTimer(min(wait, rp.p.cfg.CheckEvery))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-rp.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// fill starts the room creations the pool needs and may make now, and says how long to wait
// before trying again.
func (rp *rulePool) fill(ctx context.Context, creations *sync.WaitGroup) time.Duration {
	now := rp.p.cfg.Now()
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.retireLocked(now)
	fresh := 0
	for _, r := range rp.rooms {
		if now.Before(r.created.Add(rp.lifetime - rp.lead)) {
			fresh++
		}
	}
	for fresh+rp.creating < rp.settings.Rooms && rp.creating < maxInFlight {
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
	created := rp.p.cfg.Now()
	room, err := rp.createRoom(ctx, created)
	rp.mu.Lock()
	defer rp.poke()
	defer rp.mu.Unlock()
	rp.creating--
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
	i, _ := slices.BinarySearchFunc(rp.rooms, created, func(p pooled, t time.Time) int { return p.created.Compare(t) })
	rp.rooms = slices.Insert(rp.rooms, i, pooled{room: room, created: created})
	rp.m.size.Set(float64(len(rp.rooms)))
}

// createRoom is RESTRooms' request with the pool's exp and no caller yet.
func (rp *rulePool) createRoom(ctx context.Context, created time.Time) (serve.Room, error) {
	settings := rp.rule.Room
	// Rounded up, so that a room taken just before its lifetime ends still has settings.Exp.
	exp := created.Add(rp.lifetime + settings.Exp + time.Second - 1).Truncate(time.Second)
	room, err := rp.p.cfg.Client.CreateRoom(ctx, daily.CreateRoomRequest{
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

// deleteRetired deletes the rooms that outlived their lifetime, one at a time (DELETE has a
// low rate limit of its own). It is best effort: a room left behind expires with its exp.
func (rp *rulePool) deleteRetired(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-rp.delWake:
		}
		for {
			rp.mu.Lock()
			if len(rp.retired) == 0 {
				rp.mu.Unlock()
				break
			}
			name := rp.retired[0]
			rp.retired = rp.retired[1:]
			rp.mu.Unlock()
			if err := rp.p.cfg.Client.DeleteRoom(ctx, name); err != nil && !daily.IsNotFound(err) {
				if ctx.Err() != nil {
					return
				}
				rp.p.log.Info("deleting a retired pool room failed; it expires by itself", "rule", rp.rule.Name, "room", name, "err", err.Error())
			}
		}
	}
}
