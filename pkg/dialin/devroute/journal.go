package devroute

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// Journal is what a dev session swapped, written before the route is: enough to put the
// previous entry back after a crash. It lives in the state directory (0600, it holds the
// entry's hmac) until the route is restored or found changed by someone else.
type Journal struct {
	Kind    string    `json:"kind"`
	Number  string    `json:"number"`
	URL     string    `json:"url"` // the webhook URL the session writes
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	// Previous is the entry as Daily held it, as the exact bytes Daily returned (a JSON
	// string, which keeps them byte for byte); "" when the number had no route.
	Previous string `json:"previous,omitempty"`
	// Wrote is the session's entry as read back after writing it; "" until then.
	Wrote string `json:"wrote,omitempty"`
}

const journalKind = "dialin-dev-journal"

// ErrNoJournal is returned by LoadJournal when there is none.
var ErrNoJournal = errors.New("no dev journal")

// PreviousEntry decodes Previous; nil when the number had no route.
func (j *Journal) PreviousEntry() (*daily.PinlessDialinEntry, error) { return decodeEntry(j.Previous) }

// WroteEntry decodes Wrote; nil until the session's write was read back.
func (j *Journal) WroteEntry() (*daily.PinlessDialinEntry, error) { return decodeEntry(j.Wrote) }

func decodeEntry(raw string) (*daily.PinlessDialinEntry, error) {
	if raw == "" {
		return nil, nil
	}
	var e daily.PinlessDialinEntry
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		return nil, fmt.Errorf("dev journal: entry: %w", err)
	}
	return &e, nil
}

// encodeEntry is the entry's bytes: those Daily returned when it is unchanged.
func encodeEntry(e *daily.PinlessDialinEntry) (string, error) {
	if e == nil {
		return "", nil
	}
	b, err := e.MarshalJSON()
	return string(b), err
}

// LoadJournal reads the journal at path; ErrNoJournal when there is none.
func LoadJournal(path string) (*Journal, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoJournal
	}
	if err != nil {
		return nil, fmt.Errorf("dev journal: %w", err)
	}
	var j Journal
	if err := json.Unmarshal(b, &j); err != nil || j.Kind != journalKind {
		return nil, fmt.Errorf("dev journal %s: not a dialin dev journal (%v); the previous route is also in the route backups (`dialin routes restore`)", path, err)
	}
	return &j, nil
}

// Save writes the journal at path, 0600, whole or not at all.
func (j *Journal) Save(path string) error {
	j.Kind = journalKind
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("dev journal: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".journal-*")
	if err != nil {
		return fmt.Errorf("dev journal: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the rename, there is nothing left to remove
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(append(b, '\n'))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("dev journal: %w", err)
	}
	return nil
}

// RemoveJournal deletes the journal at path; none there is fine.
func RemoveJournal(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("dev journal: %w", err)
	}
	return nil
}
