// Package testkit holds small helpers that tests across the tree share.
package testkit

import (
	"bytes"
	"encoding/json"
	"sync"

	_ "github.com/dialin-project/dialin/internal/testkit/raceexit" // see its doc: no 1 s sleep at exit under -race
)

// SyncBuffer is a bytes.Buffer that a server's goroutines and a test may use at once (a log
// sink, a child process's output).
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Reset empties the buffer.
func (s *SyncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

// SameJSON reports whether a and b encode to the same JSON: the same values, compared as
// Daily and the files see them.
func SameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
