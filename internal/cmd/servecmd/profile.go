package servecmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/internal/cmdutil"
)

// newProfileHook adds --cpu-profile: a Go CPU profile (runtime/pprof) of serve's whole run,
// from the moment its flags and configuration are read to its shutdown, written to FILE for
// `go tool pprof`. It is how `dialin bench --cpu-profile` shows where serve's own share of a
// call goes. A flag only: a profile is a measurement of one run, not part of a deployment's
// configuration.
func newProfileHook() *DepsHook {
	h := &DepsHook{}
	h.Flags = func(fs *pflag.FlagSet, o *Options) {
		fs.StringVar(&o.CPUProfile, "cpu-profile", "", "Write a Go CPU profile of serve's run to `FILE`, flushed when serve stops (read it with go tool pprof -top FILE)")
	}
	// Checked without creating anything, so that --check finds a directory that is not there.
	h.Check = func(o *Options) error {
		if !o.Changed("cpu-profile") {
			return nil
		}
		if strings.TrimSpace(o.CPUProfile) == "" {
			return cmdutil.FlagErrorf("--cpu-profile: must name a file")
		}
		dir := filepath.Dir(o.CPUProfile)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return cmdutil.FlagErrorf("--cpu-profile: directory %s does not exist", dir)
		}
		return nil
	}
	h.Apply = func(_ context.Context, b *DepsBuild) error {
		if b.Opts.CPUProfile == "" {
			return nil
		}
		stop, err := startCPUProfile(b.Opts.CPUProfile)
		if err != nil {
			return err
		}
		b.OnClose(stop) // registered first, so it runs last: after the engine and listeners stopped
		return nil
	}
	return h
}

// startCPUProfile creates path and starts the process's CPU profile into it; stop ends the
// profile, which writes it out, and closes the file. Nothing has been requested yet when it
// fails, so a path that cannot be written is a usage error.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, cmdutil.FlagErrorf("--cpu-profile: cannot create %s: %v", path, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil { // a profile already running in this process
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("--cpu-profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}
