//go:build !unix && !windows

package routes

import (
	"os"
	"sync"
)

// Platforms without file locks (js, wasip1, plan9) run one dialin at a time; within the
// process, writers still exclude each other by lock path.
var (
	heldMu sync.Mutex
	held   = map[string]bool{}
)

func tryLock(f *os.File) (bool, error) {
	heldMu.Lock()
	defer heldMu.Unlock()
	if held[f.Name()] {
		return false, nil
	}
	held[f.Name()] = true
	return true, nil
}

func unlock(f *os.File) {
	heldMu.Lock()
	defer heldMu.Unlock()
	delete(held, f.Name())
}
