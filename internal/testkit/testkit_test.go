package testkit

import (
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
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

func TestEventuallyWaitsForTheCondition(t *testing.T) {
	t.Parallel()
	n := 0
	Eventually(t, "the third look", func() bool { n++; return n == 3 })
	if n != 3 {
		t.Fatalf("looked %d times", n)
	}
}

func TestEventuallyWithinFailsAfterTheDeadline(t *testing.T) {
	t.Parallel()
	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() { // Fatalf ends the goroutine, as it would end a test
		defer close(done)
		EventuallyWithin(ft, 20*time.Millisecond, "never", func() bool { return false })
	}()
	<-done
	if !strings.Contains(ft.msg, "timed out after 20ms waiting for never") {
		t.Fatalf("message %q", ft.msg)
	}
}

func TestListenIsBoundUntilTheTestEnds(t *testing.T) {
	t.Parallel()
	l := Listen(t)
	if _, err := net.Listen("tcp", l.Addr().String()); err == nil {
		t.Fatal("the port was free while the listener is held")
	}
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// fatalRecorder keeps Fatalf's message and ends the calling goroutine.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
