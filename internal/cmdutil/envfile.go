package cmdutil

import (
	"os"
	"path/filepath"
)

// WriteEnvFile writes the KEY=VALUE lines a background process hands to the script that
// started it (the emulator's --env-file, serve's and the stand-ins' --ready-file). It writes a
// temporary file beside path (mode 0600: it may hold a key) and renames it, so a reader sees
// no file or the whole of it.
func WriteEnvFile(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
