package redisstate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Lease is a named lock with a TTL, held by one holder at a time across replicas: the holder
// renews it while it works, and a holder that dies loses it within the TTL. A shared warm
// room pool uses one so that one replica at a time refills it (and the replicas together stay
// within Daily's rate limits). Each operation is one round trip.
//
// A lease is advisory: a holder that stalls longer than the TTL (a long GC pause, a network
// partition) may still be working when another takes over, so the work must tolerate a rare
// overlap (two refills make a few rooms too many, which is harmless).
type Lease struct {
	rdb   redis.UniversalClient
	key   string
	token string
	ttl   time.Duration
}

// NewLease returns a lease on prefix+"lease:"+name for one holder (holder names it in Redis,
// e.g. the replica id; a random suffix keeps two Lease values apart). ttl < 1 ms is 1 ms.
func NewLease(rdb redis.UniversalClient, prefix, name, holder string, ttl time.Duration) *Lease {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Lease{rdb: rdb, key: prefix + "lease:" + name, token: holder + "/" + hex.EncodeToString(b[:]), ttl: max(ttl, time.Millisecond)}
}

// acquireScript: KEYS lease; ARGV token, ttl ms. → 1 if the caller holds it now.
var acquireScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`)

// renewLeaseScript: KEYS lease; ARGV token, ttl ms. → 1 if still held (and extended).
var renewLeaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

// releaseLeaseScript: KEYS lease; ARGV token. → 1 if it was held by the caller.
var releaseLeaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`)

func (l *Lease) run(ctx context.Context, s *redis.Script, args ...any) (bool, error) {
	n, err := s.Run(ctx, l.rdb, []string{l.key}, args...).Int()
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", l.key, err)
	}
	return n == 1, nil
}

// TryAcquire takes the lease if it is free (or extends it if this holder has it) and reports
// whether this holder has it now.
func (l *Lease) TryAcquire(ctx context.Context) (bool, error) {
	return l.run(ctx, acquireScript, l.token, l.ttl.Milliseconds())
}

// Renew extends the lease by its TTL if this holder still has it.
func (l *Lease) Renew(ctx context.Context) (bool, error) {
	return l.run(ctx, renewLeaseScript, l.token, l.ttl.Milliseconds())
}

// Release gives the lease up if this holder has it.
func (l *Lease) Release(ctx context.Context) (bool, error) {
	return l.run(ctx, releaseLeaseScript, l.token)
}

// Holder is the holder name of whoever has the lease ("" if free).
func (l *Lease) Holder(ctx context.Context) (string, error) {
	v, err := l.rdb.Get(ctx, l.key).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("lease %s: %w", l.key, err)
	}
	if i := strings.LastIndexByte(v, '/'); i >= 0 {
		v = v[:i]
	}
	return v, nil
}

// ErrLeaseLost is the cause of Do's work context when the lease could not be renewed.
var ErrLeaseLost = errors.New("lease lost")

// Do runs fn if this holder gets the lease, renewing it every TTL/3 while fn runs and
// releasing it after. fn's context is cancelled (cause ErrLeaseLost) if a renewal finds the
// lease taken or Redis unreachable for a whole TTL. ran reports whether fn ran; err is the
// acquisition's error or fn's.
func (l *Lease) Do(ctx context.Context, fn func(ctx context.Context) error) (ran bool, err error) {
	ok, err := l.TryAcquire(ctx)
	if err != nil || !ok {
		return false, err
	}
	work, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(max(l.ttl/3, time.Millisecond))
		defer tick.Stop()
		lastOK := time.Now()
		for {
			select {
			case <-work.Done():
				return
			case <-tick.C:
			}
			held, err := l.Renew(work)
			switch {
			case err == nil && !held:
				cancel(ErrLeaseLost)
				return
			case err == nil:
				lastOK = time.Now()
			case time.Since(lastOK) >= l.ttl:
				cancel(ErrLeaseLost)
				return
			}
		}
	}()
	err = fn(work)
	cancel(nil)
	<-stopped
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer rcancel()
	_, _ = l.Release(rctx)
	return true, err
}
