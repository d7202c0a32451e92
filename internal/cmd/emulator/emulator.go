// Package emulator implements `dialin emulator`: Daily's API emulator (pkg/daily/dailytest)
// on a local port, for trying dialin without an account and for users' own CI.
//
// It prints the URL and the emulator's key as shell exports on stdout. That key is a
// throwaway that only this process accepts, so printing it is the point, unlike a real
// Daily key, which dialin never prints.
package emulator

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
)

// DefaultAddr listens on loopback on a port the system picks; the URL is printed.
const DefaultAddr = "127.0.0.1:0"

// seedAge is how long ago --seed-number numbers were bought: past Daily's 14-day release
// lock, so they behave like numbers an account has had for a while.
const seedAge = 30 * 24 * time.Hour

// Options are the inputs of `dialin emulator`.
type Options struct {
	IO       *iostreams.IOStreams
	Exporter cmdutil.Exporter

	Addr        string
	APIKey      string // "" for a random key
	Latency     time.Duration
	FailRate    float64
	FailStatus  int
	SeedNumbers []string // E.164 after validation
	ManualClock bool
	EnvFile     string

	// ready, when set (tests), is called once the server listens and its URL is printed.
	ready func(*dailytest.Server)
}

// NewCmdEmulator builds `emulator`; runF replaces the run function in tests.
func NewCmdEmulator(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Run a local emulator of Daily's API",
		Long: "Serve an in-memory emulator of the parts of Daily's REST API that dialin uses (phone\n" +
			"numbers, pinless_dialin routes, SIP rooms, meeting tokens, pinlessCallUpdate, webhooks)\n" +
			"until Ctrl-C or SIGTERM. Its state is lost when it stops.\n\n" +
			"stdout gets two shell exports, DAILY_API_URL and DAILY_API_KEY: the key is a throwaway\n" +
			"that only this emulator accepts. Every dialin command reads both, so running it in a\n" +
			"shell with these exports talks to the emulator instead of Daily. A Pipecat bot does not\n" +
			"read them: DailyParams.api_url defaults to the real Daily, so a bot patches a call at\n" +
			"the emulator only when daily_api_url in its body (or its own code) names the emulator.\n" +
			"Pipecat's runner fills daily_api_url from DAILY_API_URL for /daily-dialin-webhook.\n\n" +
			"The emulator runs on real time; POST /_emulator/clock {\"advance_s\": N} moves it forward\n" +
			"(e.g. past the 14-day release lock). --manual-clock stops it from moving by itself.\n" +
			"It never sends anything to a host that is not on this machine.",
		Example: "  dialin emulator\n" +
			"  dialin emulator --addr 127.0.0.1:8089 --api-key test-key --seed-number +14155550100\n" +
			"  rm -f emulator.env; dialin emulator --env-file emulator.env & # in CI: wait for the file (and the process), then: . ./emulator.env\n" +
			"  dialin emulator --latency 50ms --fail-rate 0.1 --fail-status 503",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := validate(c, opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return run(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", DefaultAddr, "Address to listen on, HOST:PORT (port 0: any free port)")
	fl.StringVar(&opts.APIKey, "api-key", "", "Key the emulator accepts (default: a random key); not a real Daily key")
	fl.DurationVar(&opts.Latency, "latency", 0, "Delay added to every API request, e.g. 50ms")
	fl.Float64Var(&opts.FailRate, "fail-rate", 0, "Share of API requests (0 to 1) answered with --fail-status")
	fl.IntVar(&opts.FailStatus, "fail-status", 503, "HTTP status of the failures --fail-rate injects (400-599)")
	fl.StringArrayVar(&opts.SeedNumbers, "seed-number", nil, "Number the domain already owns (bought 30 days ago); repeat for more")
	fl.BoolVar(&opts.ManualClock, "manual-clock", false, "Freeze the emulator's clock; only POST /_emulator/clock moves it")
	fl.StringVar(&opts.EnvFile, "env-file", "", "Also write the exports to this file (mode 0600, atomically) once listening; an old one is removed at start, this one on exit")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

// validate checks every flag before anything listens.
func validate(c *cobra.Command, opts *Options) error {
	host, port, err := net.SplitHostPort(opts.Addr)
	if p, perr := strconv.Atoi(port); err != nil || perr != nil || p < 0 || p > 65535 {
		return cmdutil.FlagErrorf("--addr: must be HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8089")
	}
	if host == "" {
		return cmdutil.FlagErrorf("--addr: must name a host, e.g. 127.0.0.1:%s (an empty host listens on every interface)", port)
	}
	if c.Flags().Changed("api-key") {
		if err := config.ValidateAPIKey(opts.APIKey); err != nil {
			var inv *config.InvalidValueError
			if errors.As(err, &inv) {
				return cmdutil.FlagErrorf("--api-key: %s", inv.Rule)
			}
			return cmdutil.FlagErrorWrap(err)
		}
	}
	switch {
	case opts.Latency < 0:
		return cmdutil.FlagErrorf("--latency: must not be negative")
	case opts.Latency > time.Minute:
		return cmdutil.FlagErrorf("--latency: must be at most 1m")
	case !(opts.FailRate >= 0 && opts.FailRate <= 1): // also refuses NaN
		return cmdutil.FlagErrorf("--fail-rate: must be between 0 and 1")
	case opts.FailStatus < 400 || opts.FailStatus > 599:
		return cmdutil.FlagErrorf("--fail-status: must be an HTTP error status from 400 to 599")
	case c.Flags().Changed("fail-status") && opts.FailRate == 0:
		return cmdutil.FlagErrorf("--fail-status: requires --fail-rate")
	case strings.TrimSpace(opts.EnvFile) == "" && c.Flags().Changed("env-file"):
		return cmdutil.FlagErrorf("--env-file: must not be empty")
	}
	seen := map[string]bool{}
	for i, in := range opts.SeedNumbers {
		n, err := phone.Normalize(in, "")
		if err != nil || !phone.IsE164(n) {
			return cmdutil.FlagErrorf("--seed-number: %q is not an E.164 number such as %s", in, phone.Example)
		}
		if seen[n] {
			return cmdutil.FlagErrorf("--seed-number: %s is given twice", n)
		}
		seen[n] = true
		opts.SeedNumbers[i] = n
	}
	return nil
}
