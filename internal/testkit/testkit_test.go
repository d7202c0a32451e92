package testkit

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestSyncBufferConcurrentWrites(t *testing.T) {
	var b SyncBuffer
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); fmt.Fprintf(&b, "line %d\n", i) }()
	}
	wg.Wait()
	if n := strings.Count(b.String(), "\n"); n != 50 {
		t.Fatalf("%d lines, want 50", n)
	}
	b.Reset()
	if b.String() != "" {
		t.Fatal("Reset left data")
	}
}
