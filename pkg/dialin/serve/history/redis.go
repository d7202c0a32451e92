package history

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Store in a Redis that replicas share: each call is a JSON value under
// PREFIX history:call:ID with the TTL, and PREFIX history:index is a sorted set of call
// ids by time received, trimmed to the cap and to the TTL on every Put.
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
	cap    int
	ttl    time.Duration
}

// NewRedis keeps at most capacity calls under prefix, each for ttl after its last Put.
func NewRedis(rdb redis.UniversalClient, prefix string, capacity int, ttl time.Duration) *Redis {
	return &Redis{rdb: rdb, prefix: prefix, cap: capacity, ttl: ttl}
}

func (r *Redis) key(id string) string { return r.prefix + "history:call:" + id }
func (r *Redis) index() string        { return r.prefix + "history:index" }

// Put implements Store.
func (r *Redis) Put(ctx context.Context, c Call) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	score := float64(c.ReceivedAt.UnixNano())
	cutoff := strconv.FormatInt(time.Now().Add(-r.ttl).UnixNano(), 10)
	_, err = r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, r.key(c.CallID), b, r.ttl)
		p.ZAdd(ctx, r.index(), redis.Z{Score: score, Member: c.CallID})
		// Calls received before now-TTL whose record was not written since have expired;
		// a live one is found again by its key (List skips the missing).
		p.ZRemRangeByScore(ctx, r.index(), "-inf", "("+cutoff)
		p.ZRemRangeByRank(ctx, r.index(), 0, int64(-r.cap-1))
		p.PExpire(ctx, r.index(), r.ttl)
		return nil
	})
	return err
}

// Get implements Store: a call trimmed from the index by the cap is gone too. The index and
// the call are read in one round trip (a pipeline): the recorder reads a call for each of
// its events.
func (r *Redis) Get(ctx context.Context, id string) (Call, bool, error) {
	var score *redis.FloatCmd
	var val *redis.StringCmd
	_, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		score = p.ZScore(ctx, r.index(), id)
		val = p.Get(ctx, r.key(id))
		return nil
	})
	if errors.Is(err, redis.Nil) {
		err = nil // a missing part, told below
	}
	if err == nil {
		err = score.Err()
	}
	if err == nil {
		err = val.Err()
	}
	if errors.Is(err, redis.Nil) {
		return Call{}, false, nil
	}
	if err != nil {
		return Call{}, false, err
	}
	var c Call
	return c, true, json.Unmarshal([]byte(val.Val()), &c)
}

// List implements Store.
func (r *Redis) List(ctx context.Context, f Filter) ([]Call, error) {
	// Newest first from the index, received since f.Since; with no other filter only the
	// first f.Limit are read.
	by := &redis.ZRangeBy{Min: "-inf", Max: "+inf", Count: int64(r.cap)}
	if !f.Since.IsZero() {
		by.Min = strconv.FormatInt(f.Since.UnixNano(), 10)
	}
	if f.Limit > 0 && f.Outcome == "" && f.Number == "" {
		by.Count = int64(min(f.Limit, r.cap))
	}
	ids, err := r.rdb.ZRevRangeByScore(ctx, r.index(), by).Result()
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = r.key(id)
	}
	vals, err := r.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, err
	}
	var out []Call
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			continue // expired
		}
		var c Call
		if json.Unmarshal([]byte(s), &c) == nil && f.Match(c) {
			out = append(out, c)
		}
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	sortNewest(out)
	return out, nil
}
