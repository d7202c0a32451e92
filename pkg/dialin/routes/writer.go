package routes

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// DefaultMaxAttempts bounds the writes a Writer tries before giving up.
const DefaultMaxAttempts = 8

// Writer changes the routes without losing anyone's: lock, read, compute, back up, re-read
// and compare, write, read back and verify, retry with jittered backoff. See Write.
type Writer struct {
	Store Store
	// Backups receives a copy of the routes before every write; nil takes none (tests only:
	// the CLI always sets it, and errors name the backup so a user can restore it).
	Backups *BackupDir
	// LockPath is a file that serialises writers on this machine (and in this process); ""
	// takes no lock.
	LockPath string
	// MaxAttempts bounds the writes (and recomputations); 0 means DefaultMaxAttempts.
	MaxAttempts int
	// Backoff is the pause before attempt n+1 (n ≥ 1); nil is exponential from 100 ms, capped
	// at 3 s, with jitter between half and all of it.
	Backoff func(n int) time.Duration
	// Sleep pauses; nil waits on a timer and stops when ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
	// Settle is how long after a verified write the routes are read once more (jittered,
	// between Settle and twice it), to catch another machine's write that was computed
	// before this one and landed just after it; 0 means DefaultSettle, negative skips it.
	// It is never shorter than twice the write's own round (re-read, write, read-back): on a
	// slow or loaded link another machine's round, and so its stale write, is as slow.
	Settle time.Duration
	// Now reads the clock that times a write's round (nil: time.Now; tests stop it).
	Now func() time.Time
	// Sending, optional, is called just before each write is sent, with the path of the
	// backup of the routes it replaces (for a command's "interrupted" message).
	Sending func(backup string)
}

func (w *Writer) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// DefaultSettle is Writer.Settle's default: longer than a write takes to land at Daily.
const DefaultSettle = 300 * time.Millisecond

// finishTimeout bounds a write and its read-back once they must finish despite ctx.
const finishTimeout = 2 * time.Minute

// WriteResult is what a Write did.
type WriteResult struct {
	Changed    bool                       // the routes were written; false: mutate changed nothing
	Before     []daily.PinlessDialinEntry // the routes that were replaced
	Written    []daily.PinlessDialinEntry // the routes read back after the write
	Backup     string                     // path of the backup of Before ("" when nothing was written)
	Attempts   int                        // writes tried
	Recomputed int                        // times the routes changed under the writer and mutate ran again
	// Restored are routes of this write that another machine's stale write undid after it
	// had been verified, and that the writer put back (see Writer.Settle).
	Restored []Key
}

// WriteError is a write that did not go through; the backup it names holds the routes as
// they were before the Write began (restore it with `dialin routes restore`).
type WriteError struct {
	Attempts int // rounds tried: writes, and re-reads that found the routes changed
	Backup   string
	Err      error
}

func (e *WriteError) Error() string {
	msg := fmt.Sprintf("routes not written after %d attempt(s): %v", e.Attempts, e.Err)
	if e.Backup != "" {
		msg += "; the routes as they were before are saved in " + e.Backup
	}
	return msg
}

func (e *WriteError) Unwrap() error { return e.Err }

// Write replaces the routes with mutate's result, keeping every entry mutate does not change
// exactly as it was read. mutate gets a copy of the current routes and may run more than once
// (each time on fresher routes), so it must not have side effects; an error from it stops
// the write and is returned as is (wrapped in *WriteError when it happens on a retry).
// verify, optional, checks the routes read back beyond the built-in check that every entry
// written is there unchanged and that nothing else is; an error from it means retry.
//
// The steps: take the lock; read; mutate (unchanged: done, nothing written); back up what
// was read; re-read and, if the routes changed meanwhile, start over on the fresh routes;
// write once; read back and verify the whole array; on a mismatch or a refusal Daily says is
// temporary (429, 5xx, a lost answer), wait (at least Retry-After) and start over from a
// fresh read, up to MaxAttempts. The client never re-sends a write of the routes by itself.
// Then settle (see Settle): a machine whose stale write undid this one is put right.
//
// Once a write has been sent, cancelling ctx does not abandon it: the write and its
// read-back finish, so that the result says what Daily holds.
func (w *Writer) Write(ctx context.Context, mutate func(current []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error), verify func(written []daily.PinlessDialinEntry) error) (*WriteResult, error) {
	return w.WriteFrom(ctx, nil, mutate, verify)
}

// WriteFrom is Write starting from routes the caller read before the lock was taken (the
// ones a command showed its user), which spares the read under the lock: the first round
// computes the change on them and backs them up, and its re-read, under the lock, is then
// that read. If the routes changed since the caller's read, the round starts over on the
// fresh routes, as Write would have begun (it counts as no attempt, and the errors name the
// backup of the fresh routes); else the write goes out. read nil is Write.
func (w *Writer) WriteFrom(ctx context.Context, read []daily.PinlessDialinEntry, mutate func(current []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error), verify func(written []daily.PinlessDialinEntry) error) (*WriteResult, error) {
	if w.LockPath != "" {
		l, err := acquireLock(ctx, w.LockPath)
		if err != nil {
			return nil, err
		}
		defer l.release()
	}
	cur := Clone(read)
	if read == nil {
		var err error
		if cur, err = w.Store.Get(ctx); err != nil {
			return nil, err
		}
	}
	res := &WriteResult{}
	r := &rounds{res: res, unlocked: read != nil}
	if err := w.converge(ctx, r, cur, mutate, verify); err != nil {
		return r.result(err)
	}
	if !res.Changed {
		return res, nil
	}
	if err := w.settle(ctx, r, verify); err != nil {
		return r.result(err)
	}
	return res, nil
}

// rounds is the state of one Write across its attempts.
type rounds struct {
	res         *WriteResult
	unlocked    bool   // the routes were read before the lock; the next re-read stands for the read under it
	n           int    // rounds tried
	firstBackup string // the routes before this Write touched them: what errors point to
	backedUp    string // Hash of the routes last backed up
	// sentBase and sent are the last write sent and the routes it was computed from: what
	// this Write changed, which settle puts back if another machine undoes it.
	sentBase, sent []daily.PinlessDialinEntry
	// round is how long the last verified write took, from its re-read to its read-back.
	round time.Duration
}

func (r *rounds) result(err error) (*WriteResult, error) {
	var first firstRoundError
	if errors.As(err, &first) {
		return nil, first.err
	}
	return r.res, &WriteError{Attempts: r.n, Backup: r.firstBackup, Err: err}
}

// firstRoundError is an error before anything was written or backed up: returned as is.
type firstRoundError struct{ err error }

func (e firstRoundError) Error() string { return e.err.Error() }

// converge runs the rounds of a write, from cur, until the routes read back are mutate's result.
func (w *Writer) converge(ctx context.Context, r *rounds, cur []daily.PinlessDialinEntry, mutate func([]daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error), verify func([]daily.PinlessDialinEntry) error) error {
	maxAttempts := w.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	res := r.res
	for round := 1; ; round++ {
		r.n++
		next, err := mutate(Clone(cur))
		if err != nil {
			if r.n == 1 {
				return firstRoundError{err}
			}
			return err
		}
		res.Before = cur
		if sameArray(next, cur) {
			// Nothing to do; on a later round, an earlier write of this Write landed after all.
			res.Changed, res.Written = res.Attempts > 0, cur
			return nil
		}
		if w.Backups != nil && Hash(cur) != r.backedUp {
			if res.Backup, err = w.Backups.Save(cur); err != nil {
				return fmt.Errorf("nothing written, because the backup failed: %w", err)
			}
			r.backedUp = Hash(cur)
			if r.firstBackup == "" {
				r.firstBackup = res.Backup
			}
		}
		roundStart := w.now()
		fresh, err := w.Store.Get(ctx)
		if err != nil {
			return err
		}
		var retry error
		if r.unlocked && Hash(fresh) != Hash(cur) {
			// The caller's read was stale: begin as Write does, on the routes read under the lock.
			r.unlocked, r.n, round, r.firstBackup, cur = false, r.n-1, round-1, "", fresh
			continue
		}
		r.unlocked = false
		if Hash(fresh) != Hash(cur) {
			res.Recomputed++
			retry = errors.New("the routes kept changing while dialin was writing")
			cur = fresh
		} else {
			if err := ctx.Err(); err != nil {
				return err // interrupted before this write was sent
			}
			res.Attempts++
			r.sentBase, r.sent = cur, next
			written, again, err := w.write(ctx, next, verify, res.Backup)
			if err == nil {
				res.Changed, res.Written = true, written
				r.round = w.now().Sub(roundStart)
				return nil
			}
			if !again {
				return err
			}
			retry = err
			if written != nil {
				cur = written
			} else if cur, err = w.Store.Get(ctx); err != nil {
				return err
			}
		}
		if round >= maxAttempts {
			return retry
		}
		d := w.backoff(round)
		var ae *daily.APIError
		if errors.As(retry, &ae) && ae.RetryAfter > d {
			d = ae.RetryAfter // Daily said when to come back; the next round reads afresh first
		}
		if err := w.sleep(ctx, d); err != nil {
			return err
		}
	}
}

// write sends next, reads the routes back and checks them. A failed request may still have
// taken effect, so the routes are read back even then; when they hold next, the write counts.
// It returns the routes read back (nil when the read failed), whether another attempt may
// succeed, and why the write does not count.
//
// Once sent, the write and its read-back are finished even when ctx is cancelled (Ctrl-C):
// stopping half way would leave the user not knowing what Daily holds.
func (w *Writer) write(ctx context.Context, next []daily.PinlessDialinEntry, verify func([]daily.PinlessDialinEntry) error, backup string) ([]daily.PinlessDialinEntry, bool, error) {
	if w.Sending != nil {
		w.Sending(backup)
	}
	sent, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	_, setErr := w.Store.Set(sent, next)
	if setErr != nil && !retryable(setErr) {
		return nil, false, setErr
	}
	written, err := w.Store.Get(sent)
	if err != nil {
		if setErr != nil {
			err = setErr
		}
		return nil, retryable(err), err
	}
	err = checkWritten(next, written)
	if err == nil && verify != nil {
		err = verify(written)
	}
	if err != nil && setErr != nil {
		err = setErr
	}
	return written, true, err
}

// retryable reports whether a failed write may be tried again after reading the routes:
// Daily refusing the request (4xx other than 429) will refuse it again.
func retryable(err error) bool {
	var ae *daily.APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusTooManyRequests || ae.Status >= 500
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

func (w *Writer) backoff(n int) time.Duration {
	if w.Backoff != nil {
		return w.Backoff(n)
	}
	d := 100 * time.Millisecond << min(n-1, 5)
	d = min(d, 3*time.Second)
	return d/2 + rand.N(d/2+1)
}

func (w *Writer) sleep(ctx context.Context, d time.Duration) error {
	if w.Sleep != nil {
		return w.Sleep(ctx, d)
	}
	return daily.Sleep(ctx, d)
}
