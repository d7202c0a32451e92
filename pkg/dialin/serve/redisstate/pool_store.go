package redisstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/pool"
)

// PoolStore is a pool.Store in Redis: one warm room pool shared by every replica. A rule's
// rooms are a sorted set (pool:<rule>) of room JSON scored by the time each retires (ms), so
// taking a room is one atomic step (ZPOPMIN in a script) and is never handed out twice, by
// any replica; the same step removes the retired rooms, and only the caller that removed
// them deletes them at Daily. Take, Add and Len are one round trip each.
//
// Retirement times are the pool's clock (the creating replica's), not Redis's: they are
// tied to each room's exp at Daily, which is set from that clock too, so what matters is
// that the replicas' clocks agree with Daily's, as NTP keeps them, within the room exp a
// call gets on top of the pool's room_lifetime.
type PoolStore struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ pool.Store = (*PoolStore)(nil)

// NewPoolStore returns a PoolStore on rdb under prefix ("": DefaultPrefix).
func NewPoolStore(rdb redis.UniversalClient, prefix string) *PoolStore {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &PoolStore{rdb: rdb, prefix: prefix}
}

func (s *PoolStore) key(rule string) string { return s.prefix + "pool:" + rule }

// pooledRoom is a room as stored: a member of the rule's sorted set.
type pooledRoom struct {
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	SIPURI    string    `json:"sip_uri"`
	Endpoints []string  `json:"endpoints,omitempty"`
	Exp       time.Time `json:"exp"`
}

// poolTakeScript: KEYS pool; ARGV now ms. → {room JSON or "", rooms left, {retired JSON…}}.
var poolTakeScript = redis.NewScript(`
local retired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if #retired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1]) end
local top = redis.call('ZPOPMIN', KEYS[1])
return {top[1] or '', redis.call('ZCARD', KEYS[1]), retired}
`)

// poolLenScript: KEYS pool; ARGV now ms, fresh-until ms. → {ready, fresh, {retired JSON…}}.
var poolLenScript = redis.NewScript(`
local retired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if #retired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1]) end
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[2], '+inf'), retired}
`)

// poolAddScript: KEYS pool; ARGV retires ms, room JSON, key TTL ms. The key outlives its
// last room by the TTL's margin, so a pool no replica uses any more goes away by itself.
var poolAddScript = redis.NewScript(`
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
`)

// Take implements pool.Store.
func (s *PoolStore) Take(ctx context.Context, rule string, now time.Time) (serve.Room, bool, pool.Level, error) {
	res, err := poolTakeScript.Run(ctx, s.rdb, []string{s.key(rule)}, now.UnixMilli()).Slice()
	if err != nil {
		return serve.Room{}, false, pool.Level{}, fmt.Errorf("room pool: take: %w", err)
	}
	if len(res) != 3 {
		return serve.Room{}, false, pool.Level{}, errors.New("room pool: take: unexpected reply")
	}
	left, _ := res[1].(int64)
	lvl := pool.Level{Ready: int(left), Retired: roomNames(res[2])}
	raw, _ := res[0].(string)
	if raw == "" {
		return serve.Room{}, false, lvl, nil
	}
	var r pooledRoom
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return serve.Room{}, false, lvl, fmt.Errorf("room pool: a stored room is not valid JSON: %w", err)
	}
	return serve.Room{Name: r.Name, URL: r.URL, SIPURI: r.SIPURI, Endpoints: r.Endpoints, Exp: r.Exp}, true, lvl, nil
}

// Add implements pool.Store.
func (s *PoolStore) Add(ctx context.Context, rule string, room serve.Room, retires time.Time) error {
	raw, err := json.Marshal(pooledRoom{Name: room.Name, URL: room.URL, SIPURI: room.SIPURI, Endpoints: room.Endpoints, Exp: room.Exp})
	if err != nil {
		return err
	}
	ttl := max(time.Until(retires), 0) + time.Hour
	if err := poolAddScript.Run(ctx, s.rdb, []string{s.key(rule)}, retires.UnixMilli(), raw, ttl.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("room pool: add: %w", err)
	}
	return nil
}

// Len implements pool.Store.
func (s *PoolStore) Len(ctx context.Context, rule string, now, freshUntil time.Time) (pool.Level, error) {
	res, err := poolLenScript.Run(ctx, s.rdb, []string{s.key(rule)}, now.UnixMilli(), strconv.FormatInt(freshUntil.UnixMilli(), 10)).Slice()
	if err != nil {
		return pool.Level{}, fmt.Errorf("room pool: len: %w", err)
	}
	if len(res) != 3 {
		return pool.Level{}, errors.New("room pool: len: unexpected reply")
	}
	ready, _ := res[0].(int64)
	fresh, _ := res[1].(int64)
	return pool.Level{Ready: int(ready), Fresh: int(fresh), Retired: roomNames(res[2])}, nil
}

// roomNames reads the names of a script's list of room JSON (an unreadable one is skipped:
// it expires at Daily by itself).
func roomNames(v any) []string {
	list, _ := v.([]any)
	var names []string
	for _, item := range list {
		raw, _ := item.(string)
		var r pooledRoom
		if json.Unmarshal([]byte(raw), &r) == nil && r.Name != "" {
			names = append(names, r.Name)
		}
	}
	return names
}
