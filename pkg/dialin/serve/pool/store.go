package pool

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// Store keeps the pooled rooms of every rule: in this process (MemoryStore, the default), or
// in a store several serve replicas share (redisstate.PoolStore), which makes one pool of
// them all. Each method is atomic: a room is handed out once, whoever asks.
//
// A room retires at a time fixed when it is added (its creation plus room_lifetime); from
// then on it is never handed out. Take and Len remove the rooms retired at now and return
// their names, so that exactly one caller deletes each at Daily.
type Store interface {
	// Take removes and returns the room of rule that retires first among those not retired
	// at now; ok is false when there is none. lvl.Ready counts the rooms left.
	Take(ctx context.Context, rule string, now time.Time) (room serve.Room, ok bool, lvl Level, err error)
	// Add puts a new room into rule's pool, to retire at retires.
	Add(ctx context.Context, rule string, room serve.Room, retires time.Time) error
	// Len counts rule's rooms not retired at now (Ready), and those of them that will not
	// have retired by freshUntil (Fresh): the refill replaces the others ahead of time.
	Len(ctx context.Context, rule string, now, freshUntil time.Time) (Level, error)
}

// Level is what a Store tells of a rule's pool.
type Level struct {
	Ready int // rooms that can be handed out
	Fresh int // of those, rooms far enough from retiring (Len only)
	// Retired names the rooms found retired: they are out of the store now, and the caller
	// deletes them at Daily.
	Retired []string
}

// Lease is held by one holder at a time, across replicas: Do runs fn only while this holder
// has it, and cancels fn's context if it is lost. redisstate.Lease is one.
type Lease interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) (ran bool, err error)
}

// MemoryStore is a Store in this process: the pool of one serve.
type MemoryStore struct {
	mu    sync.Mutex
	rooms map[string][]stored // by rule, soonest to retire first
}

type stored struct {
	room    serve.Room
	retires time.Time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{rooms: map[string][]stored{}} }

var _ Store = (*MemoryStore)(nil)

// Take implements Store.
func (s *MemoryStore) Take(_ context.Context, rule string, now time.Time) (serve.Room, bool, Level, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lvl := Level{Retired: s.retireLocked(rule, now)}
	rooms := s.rooms[rule]
	if len(rooms) == 0 {
		return serve.Room{}, false, lvl, nil
	}
	r := rooms[0]
	rooms[0] = stored{}
	s.rooms[rule] = rooms[1:]
	lvl.Ready = len(rooms) - 1
	return r.room, true, lvl, nil
}

// Add implements Store.
func (s *MemoryStore) Add(_ context.Context, rule string, room serve.Room, retires time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rooms := s.rooms[rule]
	i, _ := slices.BinarySearchFunc(rooms, retires, func(r stored, t time.Time) int { return r.retires.Compare(t) })
	s.rooms[rule] = slices.Insert(rooms, i, stored{room: room, retires: retires})
	return nil
}

// Len implements Store.
func (s *MemoryStore) Len(_ context.Context, rule string, now, freshUntil time.Time) (Level, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lvl := Level{Retired: s.retireLocked(rule, now)}
	for _, r := range s.rooms[rule] {
		lvl.Ready++
		if r.retires.After(freshUntil) {
			lvl.Fresh++
		}
	}
	return lvl, nil
}

// Rooms lists rule's rooms, soonest to retire first, without changing anything.
func (s *MemoryStore) Rooms(rule string) []serve.Room {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []serve.Room
	for _, r := range s.rooms[rule] {
		out = append(out, r.room)
	}
	return out
}

// retireLocked takes out the rooms retired at now and returns their names.
func (s *MemoryStore) retireLocked(rule string, now time.Time) []string {
	rooms := s.rooms[rule]
	n := 0
	for n < len(rooms) && !now.Before(rooms[n].retires) {
		n++
	}
	if n == 0 {
		return nil
	}
	names := make([]string, n)
	for i := range n {
		names[i] = rooms[i].room.Name
	}
	s.rooms[rule] = slices.Delete(rooms, 0, n)
	return names
}
