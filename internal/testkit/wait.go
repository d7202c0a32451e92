package testkit

import (
	"net"
	"testing"
	"time"
)

// Patience is how long Eventually waits: long enough for a loaded 2-core machine running
// the race detector, short enough that a hang fails the test rather than the run.
const Patience = 30 * time.Second

// Eventually polls cond until it holds, failing the test after Patience. It waits for
// something to happen; to prove that something did not happen, wait for a later event (a
// barrier) and then check a counter instead.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	EventuallyWithin(t, Patience, what, cond)
}

// EventuallyWithin is Eventually with a deadline that is part of what the test asserts
// (for example "long before the lease's minute").
func EventuallyWithin(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Listen binds a loopback port the system chooses and closes it when the test ends. Hand
// the listener (or its Addr) to the server under test: an address found free and closed
// again can be taken by another process before the server binds it.
func Listen(t testing.TB) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}
