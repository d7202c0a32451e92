package history

import (
	"bytes"
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

// writeScript: KEYS the call's key, the index; ARGV the call's JSON, ttl ms, its score (time
// received), the cutoff (now - ttl), the cap, callId, then for a swap the JSON the stored
// call must be. Calls received before the cutoff whose record was not written since have
// expired; a live one is found again by its key (List skips the missing).
// → {2} written; for a swap {1, stored JSON} when the stored call is another, {0} when it is
// gone (expired, or trimmed from the index by the cap).
var writeScript = redis.NewScript(`
if #ARGV >= 7 then
  local cur = redis.call('GET', KEYS[1])
  if not cur or not redis.call('ZSCORE', KEYS[2], ARGV[6]) then return {0} end
  if cur ~= ARGV[7] then return {1, cur} end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[5]) - 1)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {2}
`)

// Put implements Store.
func (r *Redis) Put(ctx context.Context, c Call) error {
	_, err := r.write(ctx, c, nil)
	return err
}

// Swap implements Store: one round trip.
func (r *Redis) Swap(ctx context.Context, prev, next Call) (Call, bool, bool, error) {
	old, err := canonical(prev)
	if err != nil {
		return Call{}, false, false, err
	}
	res, err := r.write(ctx, next, old)
	if err != nil || len(res) == 0 {
		return Call{}, false, false, err
	}
	switch res[0] {
	case int64(2):
		return next, true, true, nil
	case int64(1):
		var cur Call
		raw, _ := res[1].(string)
		return cur, true, false, json.Unmarshal([]byte(raw), &cur)
	}
	return Call{}, false, false, nil
}

// write runs writeScript: a Put, or with prev (the stored call's JSON) a swap.
func (r *Redis) write(ctx context.Context, c Call, prev []byte) ([]any, error) {
	b, err := canonical(c)
	if err != nil {
		return nil, err
	}
	args := []any{b, max(r.ttl.Milliseconds(), 1), float64(c.ReceivedAt.UnixNano()),
		time.Now().Add(-r.ttl).UnixNano(), r.cap, c.CallID}
	if prev != nil {
		args = append(args, prev)
	}
	return writeScript.Run(ctx, r.rdb, []string{r.key(c.CallID), r.index()}, args...).Slice()
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

// canonical is c's JSON as it reads back: text that is not UTF-8 (a webhook body, an error
// message) is written as \ufffd escapes, which read back as U+FFFD and are then written as
// that character; Swap compares the JSON of what a reader has with what is stored.
func canonical(c Call) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil || !bytes.Contains(b, []byte(`\ufffd`)) {
		return b, err
	}
	var back Call
	if err := json.Unmarshal(b, &back); err != nil {
		return nil, err
	}
	return json.Marshal(back)
}
