package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// Dir returns the config directory: DIALIN_CONFIG_DIR > $XDG_CONFIG_HOME/dialin >
// %AppData%\dialin (Windows) > ~/.config/dialin.
func Dir() (string, error) {
	return dirFrom(os.Getenv, os.UserHomeDir)
}

func dirFrom(getenv func(string) string, home func() (string, error)) (string, error) {
	if d := getenv(EnvConfigDir); d != "" {
		return filepath.Abs(d)
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "dialin"), nil
	}
	if runtime.GOOS == "windows" {
		if a := getenv("AppData"); a != "" {
			return filepath.Join(a, "dialin"), nil
		}
	}
	h, err := home()
	if err != nil || h == "" {
		return "", errors.New("config directory: no home directory; set DIALIN_CONFIG_DIR")
	}
	return filepath.Join(h, ".config", "dialin"), nil
}
