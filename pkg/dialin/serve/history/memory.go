package history

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"sync"
	"time"
)

// Memory is a Store in this process.
type Memory struct {
	cap int
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	calls map[string]memEntry
}

type memEntry struct {
	call    Call
	expires time.Time
}

// NewMemory keeps at most capacity calls, each for ttl after its last Put; now is the clock
// (nil: time.Now).
func NewMemory(capacity int, ttl time.Duration, now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{cap: capacity, ttl: ttl, now: now, calls: map[string]memEntry{}}
}

// Put implements Store.
func (m *Memory) Put(_ context.Context, c Call) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.put(c)
	return nil
}

// Swap implements Store. Calls are compared as JSON, as the Redis store compares them.
func (m *Memory) Swap(_ context.Context, prev, next Call) (Call, bool, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.calls[next.CallID]
	if !ok || !m.now().Before(e.expires) {
		return Call{}, false, false, nil
	}
	a, err := json.Marshal(e.call)
	if err != nil {
		return Call{}, false, false, err
	}
	b, err := json.Marshal(prev)
	if err != nil {
		return Call{}, false, false, err
	}
	if !bytes.Equal(a, b) {
		return e.call, true, false, nil
	}
	m.put(next)
	return next, true, true, nil
}

// put is Put's step. Caller holds m.mu.
func (m *Memory) put(c Call) {
	now := m.now()
	m.calls[c.CallID] = memEntry{call: c, expires: now.Add(m.ttl)}
	m.expire(now)
	for len(m.calls) > m.cap {
		oldest := ""
		for id, e := range m.calls {
			if oldest == "" || e.call.ReceivedAt.Before(m.calls[oldest].call.ReceivedAt) {
				oldest = id
			}
		}
		delete(m.calls, oldest)
	}
}

func (m *Memory) expire(now time.Time) {
	for id, e := range m.calls {
		if !now.Before(e.expires) {
			delete(m.calls, id)
		}
	}
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, id string) (Call, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.calls[id]
	if !ok || !m.now().Before(e.expires) {
		return Call{}, false, nil
	}
	return e.call, true, nil
}

// List implements Store.
func (m *Memory) List(_ context.Context, f Filter) ([]Call, error) {
	m.mu.Lock()
	m.expire(m.now())
	out := make([]Call, 0, len(m.calls))
	for _, e := range m.calls {
		if f.Match(e.call) {
			out = append(out, e.call)
		}
	}
	m.mu.Unlock()
	sortNewest(out)
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func sortNewest(calls []Call) {
	sort.SliceStable(calls, func(i, j int) bool { return calls[i].ReceivedAt.After(calls[j].ReceivedAt) })
}
