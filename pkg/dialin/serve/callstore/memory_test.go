package callstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
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

func TestClaimFirstWins(t *testing.T) {
	ctx := context.Background()
	s := NewMemory(time.Hour, nil)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, claimed, err := s.Claim(ctx, Record{CallID: "c1", From: fmt.Sprint(i), Answer: Answer{Status: 200, Body: []byte(fmt.Sprint(i))}})
			if err != nil {
				t.Error(err)
			}
			if claimed {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d claims won", wins.Load())
	}
	first, ok, _ := s.Get(ctx, "c1")
	got, claimed, _ := s.Claim(ctx, Record{CallID: "c1", From: "late"})
	if !ok || claimed || got.From != first.From || string(got.Answer.Body) != first.From {
		t.Fatalf("repeat claim returned %+v, first %+v", got, first)
	}
}

func TestPutIndexesRoomAndCopies(t *testing.T) {
	ctx := context.Background()
	s := NewMemory(time.Hour, nil)
	rec := Record{CallID: "c1", State: Accepted}
	s.Claim(ctx, rec)
	if _, ok, _ := s.ByRoom(ctx, "room-a"); ok {
		t.Fatal("room known before Put")
	}
	rec.Room, rec.SIPEndpoints = "room-a", []string{"sip:a"}
	s.Put(ctx, rec)
	rec.SIPEndpoints[0] = "changed"
	got, ok, _ := s.ByRoom(ctx, "room-a")
	if !ok || got.CallID != "c1" || got.SIPEndpoints[0] != "sip:a" {
		t.Fatalf("ByRoom = %+v %v", got, ok)
	}
	got.SIPEndpoints[0] = "changed too"
	again, _, _ := s.Get(ctx, "c1")
	if again.SIPEndpoints[0] != "sip:a" {
		t.Fatal("Get shares memory with the store")
	}
	rec.Room = "room-b"
	s.Put(ctx, rec)
	if _, ok, _ := s.ByRoom(ctx, "room-a"); ok {
		t.Fatal("old room still indexed")
	}
	if got, ok, _ := s.ByRoom(ctx, "room-b"); !ok || got.CallID != "c1" {
		t.Fatal("new room not indexed")
	}
}

func TestClaimPatchOnce(t *testing.T) {
	ctx := context.Background()
	s := NewMemory(time.Hour, nil)
	if ok, _ := s.ClaimPatch(ctx, "unknown"); ok {
		t.Fatal("patched an unknown call")
	}
	s.Claim(ctx, Record{CallID: "c1"})
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := s.ClaimPatch(ctx, "c1"); ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d patch claims won", wins.Load())
	}
	// a Put (state change) keeps the patch claim
	s.Put(ctx, Record{CallID: "c1", State: Connected})
	if ok, _ := s.ClaimPatch(ctx, "c1"); ok {
		t.Fatal("patch claim lost on Put")
	}
}

func TestTTL(t *testing.T) {
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
