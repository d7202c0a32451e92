package callstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestRecordsAreCopies: what Put stores and Get returns share no memory with the caller.
func TestRecordsAreCopies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewMemory(time.Hour, nil)
	rec := Record{CallID: "c1", Room: "room-a", SIPEndpoints: []string{"sip:a"}}
	s.Claim(ctx, rec)
	s.Put(ctx, rec)
	rec.SIPEndpoints[0] = "changed"
	got, ok, _ := s.ByRoom(ctx, "room-a")
	if !ok || got.SIPEndpoints[0] != "sip:a" {
		t.Fatalf("ByRoom = %+v %v", got, ok)
	}
	got.SIPEndpoints[0] = "changed too"
	if again, _, _ := s.Get(ctx, "c1"); again.SIPEndpoints[0] != "sip:a" {
		t.Fatal("Get shares memory with the store")
	}
}

func TestTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s := NewMemory(time.Minute, c.now)
	s.Claim(ctx, Record{CallID: "c1", Room: "r1"})
	c.add(59 * time.Second)
	s.Put(ctx, Record{CallID: "c1", Room: "r1", State: Connected}) // a write renews the TTL
	c.add(59 * time.Second)
	if _, ok, _ := s.Get(ctx, "c1"); !ok {
		t.Fatal("expired despite the renewing Put")
	}
	c.add(2 * time.Second)
	if _, ok, _ := s.Get(ctx, "c1"); ok {
		t.Fatal("record outlived its TTL")
	}
	if _, ok, _ := s.ByRoom(ctx, "r1"); ok {
		t.Fatal("room index outlived its record")
	}
	if _, claimed, _ := s.Claim(ctx, Record{CallID: "c1"}); !claimed {
		t.Fatal("an expired call cannot be claimed again")
	}
	// sweeping bounds memory: 1000 old calls are gone after the TTL
	for i := range 1000 {
		s.Claim(ctx, Record{CallID: fmt.Sprint("old", i)})
	}
	c.add(2 * time.Minute)
	s.Claim(ctx, Record{CallID: "new"})
	if s.Len() != 1 {
		t.Fatalf("%d records after the sweep, want 1", s.Len())
	}
}

func TestOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	s := NewMemory(time.Hour, c.now)
	if first, _ := s.Once(ctx, "k", 10*time.Second); !first {
		t.Fatal("first sighting not first")
	}
	if first, _ := s.Once(ctx, "k", 10*time.Second); first {
		t.Fatal("replay seen as first")
	}
	c.add(11 * time.Second)
	if first, _ := s.Once(ctx, "k", 10*time.Second); !first {
		t.Fatal("key outlived its ttl")
	}
}
