package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// EnvStateDir overrides the state directory.
const EnvStateDir = "DIALIN_STATE_DIR"

// Dir returns the config directory: DIALIN_CONFIG_DIR > $XDG_CONFIG_HOME/dialin >
// %AppData%\dialin (Windows) > ~/.config/dialin.
func Dir() (string, error) {
	return dirFrom(os.Getenv, os.UserHomeDir)
}

// StateDir returns dialin's state directory (route backups, lock files): DIALIN_STATE_DIR >
// $XDG_STATE_HOME/dialin > %LocalAppData%\dialin\state (Windows) > ~/.local/state/dialin.
// State, not config: it is machine-local, while config directories are often shared.
func StateDir() (string, error) {
	return stateDirFrom(os.Getenv, os.UserHomeDir)
}

// baseDir is one of dialin's directories and where each platform convention puts it.
type baseDir struct {
	what    string   // for the error message
	env     string   // dialin's own override
	xdg     string   // the XDG base directory variable
	winEnv  string   // the Windows known-folder variable
	winSub  []string // under it
	homeSub []string // under the home directory, elsewhere
}

var (
	configBase = baseDir{"config directory", EnvConfigDir, "XDG_CONFIG_HOME", "AppData", []string{"dialin"}, []string{".config", "dialin"}}
	stateBase  = baseDir{"state directory", EnvStateDir, "XDG_STATE_HOME", "LocalAppData", []string{"dialin", "state"}, []string{".local", "state", "dialin"}}
)

func dirFrom(getenv func(string) string, home func() (string, error)) (string, error) {
	return configBase.resolve(getenv, home)
}

func stateDirFrom(getenv func(string) string, home func() (string, error)) (string, error) {
	return stateBase.resolve(getenv, home)
}

// resolve applies the precedence: override > XDG > Windows folder > home.
func (b baseDir) resolve(getenv func(string) string, home func() (string, error)) (string, error) {
	if d := getenv(b.env); d != "" {
		return filepath.Abs(d)
	}
	if x := getenv(b.xdg); x != "" {
		return filepath.Join(x, "dialin"), nil
	}
	if runtime.GOOS == "windows" {
		if a := getenv(b.winEnv); a != "" {
			return filepath.Join(append([]string{a}, b.winSub...)...), nil
		}
	}
	h, err := home()
	if err != nil || h == "" {
		return "", errors.New(b.what + ": no home directory; set " + b.env)
	}
	return filepath.Join(append([]string{h}, b.homeSub...)...), nil
}
