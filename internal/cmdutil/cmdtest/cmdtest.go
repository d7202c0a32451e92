// Package cmdtest sets up command tests: fake terminal streams, a Daily emulator and a
// Factory wired to both through the real config and client code.
//
//	env := cmdtest.New(t)                  // emulator + key stored for profile "default"
//	env.IO.SetStdoutTTY(true)              // play a terminal
//	err := listRun(ctx, &ListOptions{IO: env.IO, Client: env.Factory.DailyClient})
//	if got := env.Out.String(); got != want { ... }
//
// The environment is ignored (config.Options.NoEnv), so tests may run in parallel and a
// developer's own DAILY_API_KEY can never reach a test.
package cmdtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// Env is one command test's world.
type Env struct {
	Factory         *cmdutil.Factory
	IO              *iostreams.IOStreams
	In, Out, ErrOut *bytes.Buffer
	Server          *dailytest.Server // closed when the test ends
	ConfigDir       string
}

// New starts an emulator, points a fresh config directory's default profile at it (api_url)
// and stores its API key there, so Factory.DailyClient works as after `dialin auth login`.
func New(tb testing.TB, opts ...dailytest.Option) *Env {
	tb.Helper()
	env := NewWithoutKey(tb, opts...)
	cfg := env.LoadConfig(tb)
	if err := cfg.SetAPIKey(env.Server.APIKey); err != nil {
		tb.Fatal(err)
	}
	return env
}

// NewWithClock is New with the emulator on a manual clock that starts at start, and the
// Factory's Now reading the same clock.
func NewWithClock(tb testing.TB, start time.Time, opts ...dailytest.Option) (*Env, *dailytest.ManualClock) {
	tb.Helper()
	clock := dailytest.NewManualClock(start)
	env := New(tb, append([]dailytest.Option{dailytest.WithClock(clock)}, opts...)...)
	env.Factory.Now = clock.Now
	return env, clock
}

// FactoryAt is a Factory for flag-parsing tests: test streams, no emulator, Now fixed at now.
func FactoryAt(now time.Time) *cmdutil.Factory {
	ios, _, _, _ := iostreams.Test()
	return &cmdutil.Factory{IOStreams: ios, Now: func() time.Time { return now }}
}

// NewWithoutKey is New without storing an API key: DailyClient returns *cmdutil.NoAuthError.
func NewWithoutKey(tb testing.TB, opts ...dailytest.Option) *Env {
	tb.Helper()
	srv := dailytest.New(tb, opts...)
	ios, in, out, errOut := iostreams.Test()
	env := &Env{IO: ios, In: in, Out: out, ErrOut: errOut, Server: srv, ConfigDir: tb.TempDir()}
	cfg := env.LoadConfig(tb)
	if _, err := cfg.Set("api_url", srv.URL); err != nil {
		tb.Fatal(err)
	}
	env.Factory = cmdutil.NewFactoryWith(ios, config.Options{Dir: env.ConfigDir, NoEnv: true})
	return env
}

// LoadConfig reads the test's config directory afresh, e.g. to check what a command stored.
func (e *Env) LoadConfig(tb testing.TB) *config.Config {
	tb.Helper()
	cfg, err := config.Load(config.Options{Dir: e.ConfigDir, NoEnv: true})
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// Client is the Daily client the Factory gives, for a test's setup and checks.
func (e *Env) Client(tb testing.TB) *daily.Client {
	tb.Helper()
	c, err := e.Factory.DailyClient()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// WantNoRequests fails when anything reached the emulator: bad input is refused before a
// request.
func (e *Env) WantNoRequests(tb testing.TB) {
	tb.Helper()
	if reqs := e.Server.Requests(); len(reqs) != 0 {
		tb.Fatalf("%d requests sent, want none: %+v", len(reqs), reqs)
	}
}

// WantUsageError fails unless err is a usage error (exit 64) and, when msg is not "", its
// message is exactly msg.
func WantUsageError(tb testing.TB, err error, msg string) {
	tb.Helper()
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) {
		tb.Fatalf("err = %v, want a usage error (exit 64) %q", err, msg)
	}
	if msg != "" && err.Error() != msg {
		tb.Fatalf("error =\n  %s\nwant\n  %s", err, msg)
	}
}

// Exec runs cmd with argv the way cli.Main would (usage errors marked, output silenced,
// a background context) and returns its error. Use it for flag-parsing tests with runF.
func Exec(cmd *cobra.Command, argv ...string) error {
	cmdutil.MarkUsageErrors(cmd)
	cmd.SetArgs(argv)
	cmd.SetIn(&bytes.Buffer{})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	_, err := cmd.ExecuteContextC(context.Background())
	return err
}
