package routes

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

func TestBackupBeforeEveryWriteIsLoadableAndRestores(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	original, err := e.store.Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	res1, err := e.writer.Write(e.ctx, upsert("+14155550156", "https://x.example.com/dialin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	res2, err := e.writer.Write(e.ctx, upsert("+14155550100", "https://y.example.com/dialin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, res := range []*WriteResult{res1, res2} {
		st, err := os.Stat(res.Backup)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("backup %d: %v, mode %v", i, err, st.Mode())
		}
		saved, err := e.writer.Backups.Load(filepath.Base(res.Backup))
		if err != nil || Hash(saved) != Hash(res.Before) {
			t.Errorf("backup %d does not hold the routes it replaced: %v", i, err)
		}
	}
	if st, _ := os.Stat(e.writer.Backups.Dir); st.Mode().Perm() != 0o700 {
		t.Errorf("backup dir mode %v", st.Mode().Perm())
	}
	list, err := e.writer.Backups.List()
	if err != nil || len(list) != 2 || list[0].Path != res2.Backup || list[1].Entries != 3 || list[1].Hash != Hash(original) {
		t.Fatalf("list = %+v, %v", list, err)
	}

	// Restore the first backup: the original routes, secrets and unknown fields included.
	saved, err := e.writer.Backups.Load(list[1].Name)
	if err != nil {
		t.Fatal(err)
	}
	restore := func([]daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) { return saved, nil }
	if _, err := e.writer.Write(e.ctx, restore, nil); err != nil {
		t.Fatal(err)
	}
	now, _ := e.store.Get(e.ctx)
	if Hash(now) != Hash(original) {
		t.Errorf("restore did not bring the routes back:\n%v", e.srv.PinlessDialin())
	}
	info, latest, err := e.writer.Backups.Latest()
	if err != nil || Hash(latest) != Hash(res2.Written) || info.Name == list[0].Name {
		t.Errorf("latest = %+v, %v", info, err)
	}
}

func TestBackupFailureStopsTheWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e.writer.Backups.Dir = filepath.Join(blocker, "backups") // cannot be created
	_, err := e.writer.Write(e.ctx, upsert("+14155550156", "https://x.example.com/dialin"), nil)
	if err == nil || e.srv.Count("POST", "/") != 1 {
		t.Fatalf("err %v, POSTs %d: a write went out without a backup", err, e.srv.Count("POST", "/"))
	}
}

func TestBackupDirKeepsTheNewestAndRefusesEditedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clock := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	b := &BackupDir{Dir: dir, Keep: 2, Now: func() time.Time { clock = clock.Add(time.Second); return clock }}
	es := entries(t, liveJSON)
	var paths []string
	for range 3 {
		p, err := b.Save(es)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if filepath.Base(paths[0]) != "routes-20260102T150406.000000000Z.json" {
		t.Errorf("name = %s", filepath.Base(paths[0]))
	}
	list, _ := b.List()
	if len(list) != 2 || list[0].Path != paths[2] || list[1].Path != paths[1] {
		t.Fatalf("list = %+v", list)
	}
	loaded, err := b.Load(paths[2])
	if err != nil {
		t.Fatal(err)
	}
	raws := rawOf(t, liveJSON)
	for i := range loaded {
		if marshal(t, loaded[i]) != raws[i] {
			t.Errorf("entry %d not byte-identical after a backup round trip", i)
		}
	}
	data, _ := os.ReadFile(paths[2])
	edited := strings.Replace(string(data), "https://a.example.com", "https://evil.example.com", 1)
	if err := os.WriteFile(paths[2], []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Load(filepath.Base(paths[2])); err == nil {
		t.Error("an edited backup was loaded")
	}
	empty := &BackupDir{Dir: filepath.Join(dir, "none")}
	if _, _, err := empty.Latest(); !errors.Is(err, ErrNoBackups) {
		t.Errorf("Latest of nothing: %v", err)
	}
}
