// Package devroute lends one number's route to a development session (`dialin dev`) and
// gives it back: the entry's webhook URL is swapped for the session's, with the same hmac
// and every other field and entry untouched, and on the way out the previous entry is put
// back byte for byte (or the entry removed when there was none), but only while the live
// entry is still the session's. A journal written before the swap survives a crash, so the
// next session, or `dialin dev --restore`, restores first. Every write goes through the
// routes Writer (lock, backup, verify, retries).
package devroute

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// Session is one number's development session.
type Session struct {
	// Writer writes the routes (routes.DomainWriter: the domain's backups and lock).
	Writer *routes.Writer
	// Dir holds the session's journal and lock (under the domain's state directory).
	Dir string
	// Number is the number, in E.164.
	Number string
	// Now stamps the journal; nil is time.Now.
	Now func() time.Time
}

// BusyError is another session holding the number.
type BusyError struct{ Number, Lock string }

func (e *BusyError) Error() string {
	return fmt.Sprintf("another `dialin dev` session is using %s (it holds %s); stop it first", e.Number, e.Lock)
}

func (s *Session) key() routes.Key { return routes.NumberKey(s.Number) }

func (s *Session) base() string {
	return filepath.Join(s.Dir, strings.TrimPrefix(s.Number, "+"))
}

// JournalPath is where the session's journal is kept.
func (s *Session) JournalPath() string { return s.base() + ".journal.json" }

// Lock makes this the only session on the number (on this machine) until release; a
// *BusyError when another has it. The kernel frees it if the process dies.
func (s *Session) Lock() (release func(), err error) {
	path := s.base() + ".lock"
	release, ok, err := routes.TryLock(path)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &BusyError{Number: s.Number, Lock: path}
	}
	return release, nil
}

// Live reads the number's entry; nil when it has none.
func (s *Session) Live(ctx context.Context) (*daily.PinlessDialinEntry, error) {
	cur, err := s.Writer.Store.Get(ctx)
	if err != nil {
		return nil, err
	}
	return entryFor(cur, s.key()), nil
}

// Swap points the number at url for the session. shown is the entry the user was shown and
// agreed to replace (nil: none); if the live entry is no longer that one, nothing is
// written. The journal is saved before anything is written; the hmac is kept (a number
// without a route gets a new entry, whose hmac Daily generates). It returns the entry
// written, as read back.
func (s *Session) Swap(ctx context.Context, shown *daily.PinlessDialinEntry, url string, vopts routes.ValidateOptions) (*daily.PinlessDialinEntry, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	j := &Journal{Number: s.Number, URL: url, PID: os.Getpid(), Started: now().UTC()}
	var err error
	if j.Previous, err = encodeEntry(shown); err != nil {
		return nil, err
	}
	ec := routes.EntryChange{Key: s.key(), URL: &url}
	var shownRoutes []daily.PinlessDialinEntry
	if shown != nil {
		shownRoutes = []daily.PinlessDialinEntry{*shown}
	}
	_, shownChange, err := routes.Upsert(shownRoutes, ec)
	if err != nil {
		return nil, err
	}
	if err := j.Save(s.JournalPath()); err != nil {
		return nil, fmt.Errorf("nothing written: %w", err)
	}
	wr, err := s.Writer.Write(ctx, routes.UpsertGuard(ec, vopts, shownChange), nil)
	if err != nil {
		var we *routes.WriteError
		if !errors.As(err, &we) {
			_ = RemoveJournal(s.JournalPath()) // refused before anything was sent
		}
		return nil, err
	}
	wrote := entryFor(wr.Written, s.key())
	if wrote == nil {
		return nil, fmt.Errorf("route %s is missing after the write", s.Number)
	}
	if j.Wrote, err = encodeEntry(wrote); err == nil {
		err = j.Save(s.JournalPath())
	}
	return wrote, err
}

// Outcome is what Restore did.
type Outcome string

// The outcomes of Restore.
const (
	Restored         Outcome = "restored"          // the previous entry is back
	Removed          Outcome = "removed"           // the session's entry is gone; the number had none
	AlreadyRestored  Outcome = "already_restored"  // the live entry already was the previous one (or none)
	ChangedMeanwhile Outcome = "changed_meanwhile" // someone changed the entry: left alone
)

// RestoreResult is what Restore found and did.
type RestoreResult struct {
	Outcome Outcome
	// Previous is the entry before the session (nil: none); Live is the entry found in
	// its place when it was changed meanwhile (nil: removed).
	Previous, Live *daily.PinlessDialinEntry
	Journal        *Journal
	Backup         string // the backup of the routes replaced ("" when nothing was written)
}

// Restore ends the session recorded in the journal: the previous entry back byte for byte,
// or the entry removed when there was none, if the live entry is still the session's. An
// entry someone else changed meanwhile is left alone (ChangedMeanwhile). The journal is
// deleted once the number's route is settled either way; after an error it stays, for the
// next try. ErrNoJournal when there is no session to end.
func (s *Session) Restore(ctx context.Context) (*RestoreResult, error) {
	j, err := LoadJournal(s.JournalPath())
	if err != nil {
		return nil, err
	}
	prev, err := j.PreviousEntry()
	if err != nil {
		return nil, err
	}
	wrote, err := j.WroteEntry()
	if err != nil {
		return nil, err
	}
	res := &RestoreResult{Previous: prev, Journal: j}
	k := s.key()
	mutate := func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		res.Outcome, res.Live = "", nil
		live := entryFor(cur, k)
		switch {
		case live == nil && prev == nil, live != nil && prev != nil && same(*live, *prev):
			res.Outcome = AlreadyRestored
			return cur, nil
		case live == nil || !j.ours(*live, prev, wrote):
			res.Outcome, res.Live = ChangedMeanwhile, live
			return cur, nil
		case prev == nil:
			res.Outcome = Removed
			next, _, err := routes.Remove(cur, k)
			return next, err
		}
		res.Outcome = Restored
		next := routes.Clone(cur)
		next[indexOf(next, k)] = routes.Clone([]daily.PinlessDialinEntry{*prev})[0]
		return next, nil
	}
	wr, err := s.Writer.Write(ctx, mutate, nil)
	if err != nil {
		return nil, err
	}
	res.Backup = wr.Backup
	if err := RemoveJournal(s.JournalPath()); err != nil {
		return res, err
	}
	return res, nil
}

// ours reports whether live is the entry the session wrote: as read back after the write,
// or, when the session died before reading it back, the previous entry with the session's
// URL (a new entry: the session's URL).
func (j *Journal) ours(live daily.PinlessDialinEntry, prev, wrote *daily.PinlessDialinEntry) bool {
	switch {
	case wrote != nil:
		return same(live, *wrote)
	case prev != nil:
		want := routes.Clone([]daily.PinlessDialinEntry{*prev})[0]
		want.RoomCreationAPI = j.URL
		return same(live, want)
	default:
		return live.RoomCreationAPI == j.URL
	}
}

func same(a, b daily.PinlessDialinEntry) bool {
	return routes.Hash([]daily.PinlessDialinEntry{a}) == routes.Hash([]daily.PinlessDialinEntry{b})
}

func indexOf(entries []daily.PinlessDialinEntry, k routes.Key) int {
	for i := range entries {
		if routes.KeyOf(entries[i]) == k {
			return i
		}
	}
	return -1
}

func entryFor(entries []daily.PinlessDialinEntry, k routes.Key) *daily.PinlessDialinEntry {
	if i := indexOf(entries, k); i >= 0 {
		e := routes.Clone(entries[i : i+1])[0]
		return &e
	}
	return nil
}
