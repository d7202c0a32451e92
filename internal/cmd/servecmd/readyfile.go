package servecmd

import (
	"fmt"
	"net"
	"os"

	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/internal/cmdutil"
)

// The variables of the --ready-file, in the shell's KEY=value form so a script can source it
// (as it sources `dialin emulator --env-file`).
const (
	readyURLVar        = "DIALIN_SERVE_URL"
	readyMetricsURLVar = "DIALIN_SERVE_METRICS_URL"
	readyAdminURLVar   = "DIALIN_SERVE_ADMIN_URL" // only when the admin listener runs
)

// readyFileFlag registers --ready-file: with --addr 127.0.0.1:0 it is how a script or a
// test learns the port serve bound, and that serve is up, without guessing a free port.
func readyFileFlag(fl *pflag.FlagSet, o *Options) {
	fl.StringVar(&o.ReadyFile, "ready-file", "", "Once listening, write DIALIN_SERVE_URL, DIALIN_SERVE_METRICS_URL and DIALIN_SERVE_ADMIN_URL to `FILE` (removed on exit)")
}

// listen binds --addr, or hands over the listener a test bound itself. A stale ready file
// from an earlier run is removed first, so nothing reads a URL that no serve answers on.
func (o *Options) listen() (net.Listener, error) {
	if o.ReadyFile != "" {
		if err := os.Remove(o.ReadyFile); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("--ready-file: %w", err)
		}
	}
	if o.listener != nil {
		return o.listener, nil
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("--addr: cannot listen on %s: %w", o.Addr, unwrapOp(err))
	}
	return ln, nil
}

// writeReadyFile writes the URLs serve answers on. It writes a temporary file beside the
// target and renames it, so a reader sees either no file or the whole of it; it returns the
// function that removes the file when serve stops.
func writeReadyFile(path, url, metricsURL, adminURL string) (remove func(), err error) {
	content := fmt.Sprintf("%s=%s\n%s=%s\n", readyURLVar, url, readyMetricsURLVar, metricsURL)
	if adminURL != "" {
		content += fmt.Sprintf("%s=%s\n", readyAdminURLVar, adminURL)
	}
	if err := cmdutil.WriteEnvFile(path, content); err != nil {
		return nil, fmt.Errorf("--ready-file: %w", err)
	}
	return func() { os.Remove(path) }, nil
}
