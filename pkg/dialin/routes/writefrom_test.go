package routes

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
)

// get reads the routes, failing the test on an error.
func (e *testEnv) get(t *testing.T) []daily.PinlessDialinEntry {
	t.Helper()
	cur, err := e.store.Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return cur
}

// backupHolds fails unless the backup at path holds want.
func (e *testEnv) backupHolds(t *testing.T, path string, want []daily.PinlessDialinEntry) {
	t.Helper()
	if backup, err := e.writer.Backups.Load(filepath.Base(path)); err != nil || Hash(backup) != Hash(want) {
		t.Errorf("backup %q (%v) does not hold the routes it should", path, err)
	}
}

// staleRead is a caller's read, then another writer's route: the read and the routes now.
func (e *testEnv) staleRead(t *testing.T) (read, fresh []daily.PinlessDialinEntry) {
	t.Helper()
	read = e.get(t)
	if _, err := e.writer.Write(e.ctx, upsert("+14155550152", "https://other.example.com/dialin"), nil); err != nil {
		t.Fatal(err)
	}
	return read, e.get(t)
}

// A caller that has read the routes (a command showing its change) spares the Writer its read
// under the lock: the re-read after the backup, under the lock, is the only read before the write.
func TestWriteFromACurrentReadReadsOnceBeforeWriting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	read := e.get(t)
	e.srv.ResetRequests()
	res, err := e.writer.WriteFrom(e.ctx, read, upsert("+14155550150", "https://new.example.com/dialin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.srv.CountBefore("GET", "/", "POST", "/"); n != 1 {
		t.Errorf("%d reads before the write, want 1 (Write makes 2): %v", n, e.srv.Requests())
	}
	if !res.Changed || res.Attempts != 1 || res.Recomputed != 0 || Hash(res.Before) != Hash(read) {
		t.Errorf("result %+v", res)
	}
	e.backupHolds(t, res.Backup, read)
}

// A caller's read that another writer has overtaken (a user answering a prompt meanwhile):
// the other write stays, the change is computed again on the fresh routes, and the backup
// the result and any error name holds the fresh routes, as if Write had read them.
func TestWriteFromAStaleReadStartsOverOnTheFreshRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	read, fresh := e.staleRead(t)
	calls := 0
	ours := upsert("+14155550153", "https://ours.example.com/dialin")
	res, err := e.writer.WriteFrom(e.ctx, read, func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		calls++
		return ours(cur)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	live := e.live(t)
	if live["+14155550152"] == nil || live["+14155550153"] == nil || len(live) != 5 {
		t.Errorf("live has %d entries: %v", len(live), live)
	}
	if calls != 2 || res.Attempts != 1 || res.Recomputed != 0 || Hash(res.Before) != Hash(fresh) {
		t.Errorf("mutate ran %d times; result %+v", calls, res)
	}
	e.backupHolds(t, res.Backup, fresh)
}

// A write refused after a stale caller's read names the backup of the routes it would have
// replaced, not of the ones the caller read: restoring it must not undo the other write.
func TestWriteFromAStaleReadNamesTheFreshBackupOnFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	read, fresh := e.staleRead(t)
	e.writer.Store = &failingSetStore{Store: e.store, srv: e.srv, status: 400}
	_, err := e.writer.WriteFrom(e.ctx, read, upsert("+14155550153", "https://ours.example.com/dialin"), nil)
	var we *WriteError
	if !errors.As(err, &we) || we.Backup == "" {
		t.Fatalf("error %v, want a WriteError naming a backup", err)
	}
	e.backupHolds(t, we.Backup, fresh) // not the routes the caller read
}
