package redisstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
)

// Store is a callstore.Store in Redis, shared by every replica. Each method is one round
// trip: Get is HGET, Once is SET NX PX, every other method a script.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

var _ callstore.Store = (*Store)(nil)

// StoreOptions configure a Store.
type StoreOptions struct {
	Prefix string        // key prefix; "": DefaultPrefix
	TTL    time.Duration // records live this long after their last write; 0: 24 h
}

// NewStore returns a Store on rdb.
func NewStore(rdb redis.UniversalClient, o StoreOptions) *Store {
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.TTL <= 0 {
		o.TTL = 24 * time.Hour
	}
	return &Store{rdb: rdb, prefix: o.Prefix, ttl: o.TTL}
}

func (s *Store) callKey(id string) string   { return s.prefix + "call:" + id }
func (s *Store) roomKey(room string) string { return s.prefix + "room:" + room }
func (s *Store) ttlMS() int64               { return max(s.ttl.Milliseconds(), 1) }

// Claim implements callstore.Store.
func (s *Store) Claim(ctx context.Context, rec callstore.Record) (callstore.Record, bool, error) {
	_, existing, claimed, err := s.OnceClaim(ctx, "", 0, rec)
	return existing, claimed, err
}

// OnceClaim implements callstore.Store.
func (s *Store) OnceClaim(ctx context.Context, key string, ttl time.Duration, rec callstore.Record) (bool, callstore.Record, bool, error) {
	raw, err := json.Marshal(rec)
	if err != nil {
		return false, callstore.Record{}, false, err
	}
	markTTL := ""
	if key != "" {
		markTTL = fmt.Sprint(max(ttl, time.Millisecond).Milliseconds())
	}
	res, err := onceClaimScript.Run(ctx, s.rdb, []string{s.callKey(rec.CallID), s.roomKey(rec.Room), s.prefix + "once:" + key},
		raw, rec.Room, s.ttlMS(), rec.CallID, markTTL).Slice()
	if err != nil {
		return false, callstore.Record{}, false, fmt.Errorf("call store: claim: %w", err)
	}
	if len(res) != 3 {
		return false, callstore.Record{}, false, errors.New("call store: claim: unexpected reply")
	}
	first := res[2] == int64(1)
	if res[0] == int64(1) {
		return first, rec, true, nil
	}
	stored, _ := res[1].(string)
	existing, err := decode(stored)
	return first, existing, false, err
}

// Put implements callstore.Store.
func (s *Store) Put(ctx context.Context, rec callstore.Record) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	err = putScript.Run(ctx, s.rdb, []string{s.callKey(rec.CallID), s.roomKey(rec.Room)},
		raw, rec.Room, s.ttlMS(), rec.CallID, s.prefix+"room:").Err()
	if err != nil {
		return fmt.Errorf("call store: put: %w", err)
	}
	return nil
}

// Get implements callstore.Store.
func (s *Store) Get(ctx context.Context, callID string) (callstore.Record, bool, error) {
	raw, err := s.rdb.HGet(ctx, s.callKey(callID), "r").Result()
	return found(raw, err, "get")
}

// ByRoom implements callstore.Store.
func (s *Store) ByRoom(ctx context.Context, room string) (callstore.Record, bool, error) {
	raw, err := byRoomScript.Run(ctx, s.rdb, []string{s.roomKey(room)}, s.prefix+"call:").Text()
	return found(raw, err, "by room")
}

// ClaimPatch implements callstore.Store. A call that is not (or no longer) stored cannot be
// patched.
func (s *Store) ClaimPatch(ctx context.Context, callID string) (bool, error) {
	n, err := claimPatchScript.Run(ctx, s.rdb, []string{s.callKey(callID)}).Int()
	if err != nil {
		return false, fmt.Errorf("call store: claim patch: %w", err)
	}
	return n == 1, nil
}

// ClaimPatchByRoom implements callstore.Store.
func (s *Store) ClaimPatchByRoom(ctx context.Context, room string) (callstore.Record, bool, bool, error) {
	res, err := claimPatchByRoomScript.Run(ctx, s.rdb, []string{s.roomKey(room)}, s.prefix+"call:").Slice()
	return recordAndFlag(res, err, "claim patch by room")
}

// MarkByRoom implements callstore.Store.
func (s *Store) MarkByRoom(ctx context.Context, room string, m callstore.Mark) (callstore.Record, bool, bool, error) {
	if err := m.Check(); err != nil {
		return callstore.Record{}, false, false, err
	}
	args := []any{s.prefix + "call:", string(m.State), m.Reason, m.At.Format(time.RFC3339Nano), s.ttlMS()}
	for _, st := range m.SkippedIn() {
		args = append(args, string(st))
	}
	res, err := markByRoomScript.Run(ctx, s.rdb, []string{s.roomKey(room)}, args...).Slice()
	return recordAndFlag(res, err, "mark by room")
}

// recordAndFlag reads a script's {record, 0|1} reply, or its nil for no call.
func recordAndFlag(res []any, err error, op string) (callstore.Record, bool, bool, error) {
	if errors.Is(err, redis.Nil) {
		return callstore.Record{}, false, false, nil
	}
	if err == nil && len(res) != 2 {
		err = errors.New("unexpected reply")
	}
	if err != nil {
		return callstore.Record{}, false, false, fmt.Errorf("call store: %s: %w", op, err)
	}
	raw, _ := res[0].(string)
	rec, err := decode(raw)
	return rec, err == nil, err == nil && res[1] == int64(1), err
}

// Once implements callstore.Store.
func (s *Store) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	first, err := s.rdb.SetNX(ctx, s.prefix+"once:"+key, "1", max(ttl, time.Millisecond)).Result()
	if err != nil {
		return false, fmt.Errorf("call store: once: %w", err)
	}
	return first, nil
}

func found(raw string, err error, op string) (callstore.Record, bool, error) {
	if errors.Is(err, redis.Nil) {
		return callstore.Record{}, false, nil
	}
	if err != nil {
		return callstore.Record{}, false, fmt.Errorf("call store: %s: %w", op, err)
	}
	rec, err := decode(raw)
	return rec, err == nil, err
}

func decode(raw string) (callstore.Record, error) {
	var rec callstore.Record
	if err := json.Unmarshal([]byte(raw), &rec); err != nil {
		return callstore.Record{}, fmt.Errorf("call store: a stored record is not valid JSON: %w", err)
	}
	return rec, nil
}

// Shared reports true: every replica on the same Redis sees the same calls, so whichever
// receives Daily's dialin.ready patches the call, and the replica that took the call need not
// wait for it when it shuts down.
func (s *Store) Shared() bool { return true }
