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
// trip: Claim, Put, ByRoom and ClaimPatch are scripts, Get is HGET and Once is SET NX PX.
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
	raw, err := json.Marshal(rec)
	if err != nil {
		return callstore.Record{}, false, err
	}
	res, err := claimScript.Run(ctx, s.rdb, []string{s.callKey(rec.CallID), s.roomKey(rec.Room)},
		raw, rec.Room, s.ttlMS(), rec.CallID).Slice()
	if err != nil {
		return callstore.Record{}, false, fmt.Errorf("call store: claim: %w", err)
	}
	if len(res) != 2 {
		return callstore.Record{}, false, errors.New("call store: claim: unexpected reply")
	}
	if n, _ := res[0].(int64); n == 1 {
		return rec, true, nil
	}
	stored, _ := res[1].(string)
	existing, err := decode(stored)
	return existing, false, err
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
