// Package cmdutil is the toolbox every dialin command uses: the Factory that hands out
// dependencies, the typed errors that decide the exit code, --json/--jq, -q/--quiet, --yes
// and confirmation prompts.
//
// A command never builds its own client or reads os.Args/os.Stdout: it takes what it needs
// from the Factory into its options struct (gh's pattern), so tests can swap every part.
package cmdutil

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/internal/build"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
)

// Factory holds the lazily built dependencies of commands. Call the func fields only from
// RunE (after flags are parsed), never while building the command tree.
type Factory struct {
	IOStreams *iostreams.IOStreams

	// Config loads config.yaml and credentials.yaml once, honouring --profile and --api-url.
	Config func() (*config.Config, error)
	// DailyClient is the client for the active profile: its API key and api_url. It returns
	// *NoAuthError when no key is configured.
	DailyClient func() (*daily.Client, error)
	// NewDailyClient builds a client for the configured api_url with an explicit key
	// (auth login checks a key before storing it).
	NewDailyClient func(apiKey string) (*daily.Client, error)
	// NewDailyClientAt builds a client for an explicit key and API URL (auth login checks a
	// key against the URL it will be stored with).
	NewDailyClientAt func(apiKey, apiURL string) (*daily.Client, error)

	Now            func() time.Time
	ExecutableName string

	// GlobalFlags is the root command's persistent flag set (--profile, --api-url). Set by
	// root.NewCmdRoot; Config reads it.
	GlobalFlags *pflag.FlagSet
}

// NewFactory wires the real dependencies: the process's streams and config directory.
func NewFactory() *Factory {
	return NewFactoryWith(iostreams.System(), config.Options{})
}

// NewFactoryWith wires a factory on the given streams and config options (tests pass a temp
// Dir and NoEnv). opts.Flags is ignored: GlobalFlags is used when the config loads. Each func
// is built on the ones above it.
func NewFactoryWith(ios *iostreams.IOStreams, opts config.Options) *Factory {
	f := &Factory{
		IOStreams:      ios,
		Now:            time.Now,
		ExecutableName: "dialin",
	}
	f.Config = configFunc(f, opts)      // depends on GlobalFlags
	f.NewDailyClient = newClientFunc(f) // depends on Config, IOStreams
	f.NewDailyClientAt = newClientAtFunc(f)
	f.DailyClient = dailyClientFunc(f) // depends on Config, NewDailyClient
	return f
}

func configFunc(f *Factory, opts config.Options) func() (*config.Config, error) {
	var (
		mu        sync.Mutex
		loaded    bool
		loadedFor *pflag.FlagSet
		cfg       *config.Config
		err       error
	)
	// Loaded once per command line; a new root command (new GlobalFlags) loads afresh, so
	// tests can run several command lines on one factory.
	return func() (*config.Config, error) {
		mu.Lock()
		defer mu.Unlock()
		if !loaded || loadedFor != f.GlobalFlags {
			opts.Flags = f.GlobalFlags
			cfg, err = config.Load(opts)
			loaded, loadedFor = true, f.GlobalFlags
			if err == nil && f.IOStreams != nil {
				for _, note := range cfg.Deprecations() {
					fmt.Fprintln(f.IOStreams.ErrOut, "warning: "+note)
				}
			}
		}
		return cfg, err
	}
}

func newClientAtFunc(f *Factory) func(apiKey, apiURL string) (*daily.Client, error) {
	return func(apiKey, apiURL string) (*daily.Client, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		return daily.New(apiKey, ClientOptions(cfg, f.IOStreams, apiURL)...), nil
	}
}

func newClientFunc(f *Factory) func(string) (*daily.Client, error) {
	return func(apiKey string) (*daily.Client, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		apiURL, err := cfg.APIURL()
		if err != nil {
			return nil, err
		}
		return daily.New(apiKey, ClientOptions(cfg, f.IOStreams, apiURL)...), nil
	}
}

// ClientOptions are the client options every dialin command uses: base URL, user agent and
// the DIALIN_DEBUG logs on stderr (secrets are redacted by pkg/daily).
func ClientOptions(cfg *config.Config, ios *iostreams.IOStreams, apiURL string) []daily.Option {
	opts := []daily.Option{
		daily.WithBaseURL(apiURL),
		daily.WithUserAgent("dialin/" + build.Get().Version),
	}
	api, log := cfg.Debug()
	if api {
		opts = append(opts, daily.WithDebug(ios.ErrOut))
	}
	if log {
		h := slog.NewTextHandler(ios.ErrOut, &slog.HandlerOptions{Level: slog.LevelDebug})
		opts = append(opts, daily.WithLogger(slog.New(h)))
	}
	return opts
}

func dailyClientFunc(f *Factory) func() (*daily.Client, error) {
	var (
		mu     sync.Mutex
		client *daily.Client
		from   *config.Config
	)
	// One client per configuration, so every request of a command shares its rate limiter.
	return func() (*daily.Client, error) {
		mu.Lock()
		defer mu.Unlock()
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		if client != nil && from == cfg {
			return client, nil
		}
		key, _ := cfg.APIKey()
		if key == "" {
			return nil, &NoAuthError{Profile: cfg.Profile()}
		}
		c, err := f.NewDailyClient(key)
		if err != nil {
			return nil, err
		}
		client, from = c, cfg
		return c, nil
	}
}
