// Package build holds the version of the dialin binary. Release builds set the variables with
// -ldflags "-X github.com/dialin-project/dialin/internal/build.Version=v1.2.3 ...Commit=... ...Date=...";
// `go install` builds fall back to what the Go toolchain recorded (module version, vcs revision
// and time), so every binary can say what it is.
package build

import (
	"runtime/debug"
	"sync"
)

// Set by -ldflags -X at release time.
var (
	Version = "dev"
	Commit  = ""
	Date    = ""
)

// Info is the resolved version information.
type Info struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

var (
	once     sync.Once
	resolved Info
)

// Get returns the version information, filling what -ldflags left empty from
// debug.ReadBuildInfo.
func Get() Info {
	once.Do(func() {
		bi, _ := debug.ReadBuildInfo()
		resolved = resolve(Info{Version: Version, Commit: Commit, Date: Date}, bi)
	})
	return resolved
}

// resolve fills the gaps of ldflags from the build info; ldflags win.
func resolve(in Info, bi *debug.BuildInfo) Info {
	if bi == nil {
		return in
	}
	if (in.Version == "" || in.Version == "dev") && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		in.Version = bi.Main.Version
	}
	if in.Version == "" {
		in.Version = "dev"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if in.Commit == "" {
				in.Commit = s.Value
			}
		case "vcs.time":
			if in.Date == "" {
				in.Date = s.Value
			}
		}
	}
	return in
}
