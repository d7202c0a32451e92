package routes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// BackupDir keeps a timestamped copy of the routes taken before every write, one JSON file
// per backup ("routes-20260102T150405.000000000Z.json", mode 0600 in a 0700 directory). The
// file holds every entry exactly as Daily returned it (secrets and unknown fields included),
// so restoring is a Write whose mutate returns Load's result.
type BackupDir struct {
	Dir string
	// Keep is how many backups to keep; older ones are deleted after a save. 0 keeps all.
	Keep int
	// Now stamps backups; nil means time.Now.
	Now func() time.Time
}

// BackupInfo describes one backup.
type BackupInfo struct {
	Name    string    `json:"name"` // the file name, what Load takes
	Path    string    `json:"path"`
	Time    time.Time `json:"time"`
	Entries int       `json:"entries"`
	Hash    string    `json:"hash"`
}

// ErrNoBackups is returned by Latest when the directory holds none.
var ErrNoBackups = errors.New("no route backups")

const backupKind = "dialin-routes-backup"

type backupFile struct {
	Kind          string                     `json:"kind"`
	Time          time.Time                  `json:"time"`
	Hash          string                     `json:"hash"`
	Entries       int                        `json:"entries"`
	PinlessDialin []daily.PinlessDialinEntry `json:"pinless_dialin"`
}

// Save writes a backup of entries and returns its path. The file appears whole or not at all.
func (b *BackupDir) Save(entries []daily.PinlessDialinEntry) (string, error) {
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	t := now().UTC()
	// Written by hand so that each entry keeps the exact bytes it was read with.
	var buf bytes.Buffer
	head, _ := json.Marshal(struct {
		Kind    string    `json:"kind"`
		Time    time.Time `json:"time"`
		Hash    string    `json:"hash"`
		Entries int       `json:"entries"`
	}{backupKind, t, Hash(entries), len(entries)})
	buf.Write(head[:len(head)-1])
	buf.WriteString(`,"pinless_dialin":[`)
	for i, e := range entries {
		raw, err := e.MarshalJSON()
		if err != nil {
			return "", fmt.Errorf("backup: entry %d: %w", i, err)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n")
		buf.Write(raw)
	}
	buf.WriteString("\n]}\n")
	tmp, err := os.CreateTemp(b.Dir, ".routes-*.tmp")
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", fmt.Errorf("backup: %w", err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return "", fmt.Errorf("backup: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	path, err := b.claimName(t)
	if err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	b.trim()
	return path, nil
}

// claimName reserves a file name for time t that no other backup has.
func (b *BackupDir) claimName(t time.Time) (string, error) {
	stamp := t.Format("20060102T150405.000000000Z")
	for i := 0; i < 1000; i++ {
		name := "routes-" + stamp + ".json"
		if i > 0 {
			name = fmt.Sprintf("routes-%s-%d.json", stamp, i)
		}
		path := filepath.Join(b.Dir, name)
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return path, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("backup: %w", err)
		}
	}
	return "", fmt.Errorf("backup: no free file name in %s", b.Dir)
}

func (b *BackupDir) trim() {
	if b.Keep <= 0 {
		return
	}
	names, err := b.names()
	if err != nil {
		return
	}
	for i := b.Keep; i < len(names); i++ {
		os.Remove(filepath.Join(b.Dir, names[i]))
	}
}

// names lists backup file names, newest first.
func (b *BackupDir) names() ([]string, error) {
	des, err := os.ReadDir(b.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("backups: %w", err)
	}
	var names []string
	for _, de := range des {
		n := de.Name()
		if de.Type().IsRegular() && strings.HasPrefix(n, "routes-") && strings.HasSuffix(n, ".json") {
			names = append(names, n)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	return names, nil
}

// List describes the backups, newest first. Unreadable files are skipped.
func (b *BackupDir) List() ([]BackupInfo, error) {
	names, err := b.names()
	if err != nil {
		return nil, err
	}
	out := []BackupInfo{}
	for _, n := range names {
		info, _, err := b.load(n)
		if err == nil {
			out = append(out, info)
		}
	}
	return out, nil
}

// Latest returns the newest backup, or ErrNoBackups.
func (b *BackupDir) Latest() (BackupInfo, []daily.PinlessDialinEntry, error) {
	list, err := b.List()
	if err != nil {
		return BackupInfo{}, nil, err
	}
	if len(list) == 0 {
		return BackupInfo{}, nil, fmt.Errorf("%w in %s", ErrNoBackups, b.Dir)
	}
	entries, err := b.Load(list[0].Name)
	return list[0], entries, err
}

// Load reads a backup by the name List gives (a path to a backup file also works). The
// entries are checked against the hash recorded when the backup was made.
func (b *BackupDir) Load(name string) ([]daily.PinlessDialinEntry, error) {
	_, entries, err := b.load(name)
	return entries, err
}

func (b *BackupDir) load(name string) (BackupInfo, []daily.PinlessDialinEntry, error) {
	path := name
	if !strings.ContainsAny(name, `/\`) {
		path = filepath.Join(b.Dir, name)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return BackupInfo{}, nil, fmt.Errorf("backup %s: %w", name, err)
	}
	var f backupFile
	if err := json.Unmarshal(data, &f); err != nil || f.Kind != backupKind {
		return BackupInfo{}, nil, fmt.Errorf("backup %s: not a dialin routes backup", name)
	}
	if h := Hash(f.PinlessDialin); h != f.Hash {
		return BackupInfo{}, nil, fmt.Errorf("backup %s: damaged or edited (its routes do not match its recorded hash)", name)
	}
	info := BackupInfo{Name: filepath.Base(path), Path: path, Time: f.Time, Entries: len(f.PinlessDialin), Hash: f.Hash}
	return info, f.PinlessDialin, nil
}
