package routes

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/dialin-project/dialin/pkg/daily"
)

// KeepBackups is how many route backups per domain a DomainWriter keeps.
const KeepBackups = 100

// DomainDir is the domain's state directory under root (backups, locks, dev journals),
// created 0700, named by the domain's id: names are not unique across Daily and its
// emulators (every dailytest is "dailytest"), so keying by name mixed an emulator's
// backups, secrets included, with the real domain's.
func DomainDir(ctx context.Context, c *daily.Client, root string) (string, error) {
	dom, err := c.Domain(ctx)
	if err != nil {
		return "", err
	}
	return DomainDirOf(dom, root)
}

// DomainDirOf is DomainDir for a domain already read: GET / answers the routes and the id
// together, so a command that has read the routes needs no request for its directory.
func DomainDirOf(dom *daily.Domain, root string) (string, error) {
	name := safeName.ReplaceAllString(dom.ID, "_")
	if name == "" || name == "." || name == ".." {
		return "", fmt.Errorf("domain %q: Daily gave no usable domain id (%q) to name a state directory", dom.Name, dom.ID)
	}
	dir := filepath.Join(root, "domains", name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("state directory: %w", err)
	}
	return dir, nil
}

var safeName = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// DomainWriter is the Writer every command uses for a domain whose state directory is dir
// (DomainDir): its backups and its lock file.
func DomainWriter(dir string, store Store) *Writer {
	return &Writer{
		Store:    store,
		Backups:  &BackupDir{Dir: filepath.Join(dir, "backups"), Keep: KeepBackups},
		LockPath: filepath.Join(dir, "routes.lock"),
	}
}
