package callstore

import (
	"context"
	"sync"
	"time"
)

// Memory is a Store in this process's memory.
type Memory struct {
	ttl time.Duration
	now func() time.Time

	mu        sync.Mutex
	calls     map[string]*entry
	rooms     map[string]string // room → callId
	once      map[string]time.Time
	lastSweep time.Time
}

type entry struct {
	rec     Record
	patched bool
	expires time.Time
}

// NewMemory returns an empty store whose records live ttl after their last write (0 means
// 24 h). now is the clock; nil means time.Now.
func NewMemory(ttl time.Duration, now func() time.Time) *Memory {
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	if now == nil {
		now = time.Now
	}
	return &Memory{ttl: ttl, now: now, calls: map[string]*entry{}, rooms: map[string]string{}, once: map[string]time.Time{}}
}

// sweep drops expired records, at most every ttl/8 so that it costs little. Caller holds m.mu.
func (m *Memory) sweep(now time.Time) {
	if now.Sub(m.lastSweep) < m.ttl/8 {
		return
	}
	m.lastSweep = now
	for id, e := range m.calls {
		if !now.Before(e.expires) {
			m.drop(id, e)
		}
	}
	for k, exp := range m.once {
		if !now.Before(exp) {
			delete(m.once, k)
		}
	}
}

func (m *Memory) drop(id string, e *entry) {
	delete(m.calls, id)
	if e.rec.Room != "" && m.rooms[e.rec.Room] == id {
		delete(m.rooms, e.rec.Room)
	}
}

// live returns the entry of id unless it expired. Caller holds m.mu.
func (m *Memory) live(id string, now time.Time) *entry {
	e := m.calls[id]
	if e != nil && !now.Before(e.expires) {
		m.drop(id, e)
		return nil
	}
	return e
}

// Claim implements Store.
func (m *Memory) Claim(_ context.Context, rec Record) (Record, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweep(now)
	existing, claimed := m.claim(rec, now)
	return existing, claimed, nil
}

// claim is Claim's step. Caller holds m.mu.
func (m *Memory) claim(rec Record, now time.Time) (Record, bool) {
	if e := m.live(rec.CallID, now); e != nil {
		return e.rec.clone(), false
	}
	m.calls[rec.CallID] = &entry{rec: rec.clone(), expires: now.Add(m.ttl)}
	m.index(rec)
	return rec, true
}

// OnceClaim implements Store.
func (m *Memory) OnceClaim(_ context.Context, key string, ttl time.Duration, rec Record) (bool, Record, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweep(now)
	first := key == "" || m.firstSeen(key, ttl, now)
	existing, claimed := m.claim(rec, now)
	return first, existing, claimed, nil
}

func (m *Memory) index(rec Record) {
	if rec.Room != "" {
		m.rooms[rec.Room] = rec.CallID
	}
}

// Put implements Store.
func (m *Memory) Put(_ context.Context, rec Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	e := m.live(rec.CallID, now)
	if e == nil {
		e = &entry{}
		m.calls[rec.CallID] = e
	} else if e.rec.Room != "" && e.rec.Room != rec.Room {
		delete(m.rooms, e.rec.Room)
	}
	e.rec, e.expires = rec.clone(), now.Add(m.ttl)
	m.index(rec)
	return nil
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, callID string) (Record, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.live(callID, m.now()); e != nil {
		return e.rec.clone(), true, nil
	}
	return Record{}, false, nil
}

// ByRoom implements Store.
func (m *Memory) ByRoom(_ context.Context, room string) (Record, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.byRoom(room, m.now()); e != nil {
		return e.rec.clone(), true, nil
	}
	return Record{}, false, nil
}

// byRoom is the live entry of the call in room, or nil. Caller holds m.mu.
func (m *Memory) byRoom(room string, now time.Time) *entry {
	id, ok := m.rooms[room]
	if !ok {
		return nil
	}
	return m.live(id, now)
}

// ClaimPatch implements Store. A call that is not (or no longer) stored cannot be patched.
func (m *Memory) ClaimPatch(_ context.Context, callID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.claimPatch(m.live(callID, m.now())), nil
}

// claimPatch is ClaimPatch's step on e (nil: no such call). Caller holds m.mu.
func (m *Memory) claimPatch(e *entry) bool {
	if e == nil || e.patched {
		return false
	}
	e.patched = true
	return true
}

// ClaimPatchByRoom implements Store.
func (m *Memory) ClaimPatchByRoom(_ context.Context, room string) (Record, bool, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.byRoom(room, m.now())
	if e == nil {
		return Record{}, false, false, nil
	}
	return e.rec.clone(), true, m.claimPatch(e), nil
}

// MarkByRoom implements Store. A change keeps the record ttl longer, as Put does.
func (m *Memory) MarkByRoom(_ context.Context, room string, mk Mark) (Record, bool, bool, error) {
	if err := mk.Check(); err != nil {
		return Record{}, false, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	e := m.byRoom(room, now)
	if e == nil {
		return Record{}, false, false, nil
	}
	changed := mk.apply(&e.rec)
	if changed {
		e.expires = now.Add(m.ttl)
	}
	return e.rec.clone(), true, changed, nil
}

// Once implements Store.
func (m *Memory) Once(_ context.Context, key string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweep(now)
	return m.firstSeen(key, ttl, now), nil
}

// firstSeen is Once's step. Caller holds m.mu.
func (m *Memory) firstSeen(key string, ttl time.Duration, now time.Time) bool {
	if exp, ok := m.once[key]; ok && now.Before(exp) {
		return false
	}
	m.once[key] = now.Add(ttl)
	return true
}

// Len is the number of records held (expired ones included until swept).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.calls)
}
