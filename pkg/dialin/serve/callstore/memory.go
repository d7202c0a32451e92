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
	if e := m.live(rec.CallID, now); e != nil {
		return e.rec.clone(), false, nil
	}
	m.calls[rec.CallID] = &entry{rec: rec.clone(), expires: now.Add(m.ttl)}
	m.index(rec)
	return rec, true, nil
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
	id, ok := m.rooms[room]
	if !ok {
		return Record{}, false, nil
	}
	if e := m.live(id, m.now()); e != nil {
		return e.rec.clone(), true, nil
	}
	return Record{}, false, nil
}

// ClaimPatch implements Store. A call that is not (or no longer) stored cannot be patched.
func (m *Memory) ClaimPatch(_ context.Context, callID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.live(callID, m.now())
	if e == nil || e.patched {
		return false, nil
	}
	e.patched = true
	return true, nil
}

// Once implements Store.
func (m *Memory) Once(_ context.Context, key string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweep(now)
	if exp, ok := m.once[key]; ok && now.Before(exp) {
		return false, nil
	}
	m.once[key] = now.Add(ttl)
	return true, nil
}

// Len is the number of records held (expired ones included until swept).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.calls)
}
