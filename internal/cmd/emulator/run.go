package emulator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// Endpoint is what `dialin emulator --json` prints.
type Endpoint struct {
	URL    string `json:"url"`
	APIKey string `json:"api_key"`
}

// run serves the emulator until ctx is cancelled (Ctrl-C, SIGTERM), then closes it.
func run(ctx context.Context, opts *Options) error {
	if opts.EnvFile != "" {
		// A file left by an emulator that was killed (SIGKILL) names a dead URL and key:
		// gone before this one listens. Scripts remove it themselves before starting the
		// emulator too, since their wait loop may look before this runs.
		if err := os.Remove(opts.EnvFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--env-file: removing the old file: %w", err)
		}
	}
	srv, err := dailytest.Start(opts.Addr, serverOptions(opts)...)
	if err != nil {
		return fmt.Errorf("starting the emulator: %w", err)
	}
	defer srv.Close()
	for _, n := range opts.SeedNumbers {
		srv.SeedPurchased(n, srv.Clock().Now().Add(-seedAge))
	}
	if opts.FailRate > 0 {
		srv.FailRate(opts.FailRate, opts.FailStatus)
	}

	ep := Endpoint{URL: srv.URL, APIKey: srv.APIKey}
	if opts.Exporter != nil {
		if err := opts.Exporter.Write(opts.IO, ep); err != nil {
			return err
		}
	} else if _, err := fmt.Fprint(opts.IO.Out, exports(ep)); err != nil {
		return err
	}
	if opts.EnvFile != "" {
		if err := cmdutil.WriteEnvFile(opts.EnvFile, exports(ep)); err != nil {
			return fmt.Errorf("--env-file: %w", err)
		}
		defer os.Remove(opts.EnvFile)
	}
	printHint(opts, srv)
	if opts.ready != nil {
		opts.ready(srv)
	}

	<-ctx.Done()
	opts.IO.Infof("Stopping the emulator.")
	return nil
}

func serverOptions(opts *Options) []dailytest.Option {
	var so []dailytest.Option
	if opts.APIKey != "" {
		so = append(so, dailytest.WithAPIKey(opts.APIKey))
	}
	if opts.Latency > 0 {
		so = append(so, dailytest.WithLatency(opts.Latency))
	}
	if opts.ManualClock {
		so = append(so, dailytest.WithClock(dailytest.NewManualClock(time.Now().UTC().Truncate(time.Second))))
	}
	return so
}

// exports are the shell lines that point dialin commands (and Pipecat's runner, which passes
// the URL on to its bots as daily_api_url) at the emulator.
func exports(ep Endpoint) string {
	return fmt.Sprintf("export %s=%s\nexport %s=%s\n",
		config.EnvAPIURL, shellQuote(ep.URL), config.EnvAPIKey, shellQuote(ep.APIKey))
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellQuote quotes s for a POSIX shell, leaving plain words alone.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// printHint tells the person at the terminal what to do with the exports (stderr).
func printHint(opts *Options, srv *dailytest.Server) {
	cs := output.NewErrColorScheme(opts.IO)
	control := strings.TrimSuffix(srv.URL, "/v1") + "/_emulator/"
	opts.IO.Infof("%s Daily API emulator listening on %s (domain %s)", cs.SuccessIcon(), srv.URL, srv.DomainName())
	if !loopbackOnly(opts.Addr) {
		fmt.Fprintf(opts.IO.ErrOut, "%s Listening on %s, beyond this machine: anyone who can reach it and has the key can use it\n", cs.WarningIcon(), opts.Addr)
	}
	opts.IO.Infof("Run the export lines in another shell to point dialin at it; control endpoints: %s", control)
	if len(opts.SeedNumbers) > 0 {
		opts.IO.Infof("Numbers already owned: %s", strings.Join(opts.SeedNumbers, ", "))
	}
	opts.IO.Infof("Press Ctrl-C to stop.")
}

// loopbackOnly reports whether addr (HOST:PORT) listens on this machine only.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
