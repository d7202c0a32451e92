package routes

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
)

// domainReads counts the reads of the routes (GET /) before the first write.
func (e *testEnv) domainReads() int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Path == "/" && r.Method != "GET" {
			break
		}
		if r.Path == "/" {
			n++
		}
	}
	return n
}

// A caller that has read the routes (a command showing its change) spares the Writer its read
// under the lock: the re-read after the backup, under the lock, is the only read before the write.
func TestWriteFromACurrentReadReadsOnceBeforeWriting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	read, err := e.store.Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRequests()
	res, err := e.writer.WriteFrom(e.ctx, read, upsert("+14155550150", "https://new.example.com/dialin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.domainReads(); n != 1 {
		t.Errorf("%d reads before the write, want 1 (Write makes 2): %v", n, e.srv.Requests())
	}
	if !res.Changed || res.Attempts != 1 || res.Recomputed != 0 || Hash(res.Before) != Hash(read) {
		t.Errorf("result %+v", res)
	}
	if backup, err := e.writer.Backups.Load(filepath.Base(res.Backup)); err != nil || Hash(backup) != Hash(read) {
		t.Errorf("backup %s: %v", res.Backup, err)
	}
}

// A caller's read that another writer has overtaken (a user answering a prompt meanwhile):
// the other write stays, the change is computed again on the fresh routes, and the backup
// the result and any error name holds the fresh routes, as if Write had read them.
func TestWriteFromAStaleReadStartsOverOnTheFreshRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	read, err := e.store.Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := Upsert(read, EntryChange{Key: NumberKey("+14155550152"), URL: ptr("https://other.example.com/dialin")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.SetPinlessDialin(e.ctx, other); err != nil {
		t.Fatal(err)
	}
	fresh, err := e.store.Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
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
	if backup, err := e.writer.Backups.Load(filepath.Base(res.Backup)); err != nil || Hash(backup) != Hash(fresh) {
		t.Errorf("backup %s: %v", res.Backup, err)
	}
}

// A write refused after a stale caller's read names the backup of the routes it would have
// replaced, not of the ones the caller read: restoring it must not undo the other write.
func TestWriteFromAStaleReadNamesTheFreshBackupOnFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	read, err := e.store.Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.writer.Write(e.ctx, upsert("+14155550152", "https://other.example.com/dialin"), nil); err != nil {
		t.Fatal(err)
	}
	fresh, err := e.store.Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.writer.Store = &failingSetStore{Store: e.store, srv: e.srv, status: 400}
	_, err = e.writer.WriteFrom(e.ctx, read, upsert("+14155550153", "https://ours.example.com/dialin"), nil)
	var we *WriteError
	if !errors.As(err, &we) || we.Backup == "" {
		t.Fatalf("error %v, want a WriteError naming a backup", err)
	}
	if backup, err := e.writer.Backups.Load(filepath.Base(we.Backup)); err != nil || Hash(backup) != Hash(fresh) {
		t.Errorf("the error names %s (%v), not the backup of the routes it would have replaced", we.Backup, err)
	}
}
