package routes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// lockFile is an exclusive lock on a file, held by one open file at a time (so two Writers in
// one process exclude each other too). On Unix it is flock(2), on Windows LockFileEx: the
// kernel drops it when the process dies, so a crashed dialin never leaves a stale lock to
// clean up. The file itself is never removed, because removing a lock file races with a
// process that has just opened it.
type lockFile struct{ f *os.File }

// acquireLock waits until the lock at path is free or ctx is done.
func acquireLock(ctx context.Context, path string) (*lockFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	wait := 5 * time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			return &lockFile{f: f}, nil
		}
		if err := daily.Sleep(ctx, wait); err != nil {
			f.Close()
			return nil, fmt.Errorf("waiting for the routes lock %s (another dialin is writing routes): %w", path, err)
		}
		wait = min(wait*2, 100*time.Millisecond)
	}
}

// release unlocks; closing the file releases the lock on every platform.
func (l *lockFile) release() error {
	unlock(l.f)
	return l.f.Close()
}

// TryLock takes the lock at path if it is free, without waiting, for a session that must not
// run twice at once (`dialin dev` on one number). ok is false when another process, or
// another holder in this one, has it; release frees it.
func TryLock(path string) (release func(), ok bool, err error) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // one try: acquireLock tries before it looks at ctx
	l, err := acquireLock(ctx, path)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return func() { _ = l.release() }, true, nil
}
