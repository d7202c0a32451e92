package servecmd

import (
	"context"
	"log/slog"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/internal/cmd/webhookcmd/secretfile"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// DepsHook is an optional part of serve that brings flags of its own and fills in some of
// the engine's dependencies: a warm room pool (Deps.Rooms), warm bots (Deps.NewLauncher), a
// call store and caps gate shared by replicas (Deps.Store, Deps.Gate). Each hook lives in
// a file of its own and is listed once in depsHooks; its flags are fields of Options.
type DepsHook struct {
	// Flags adds the hook's flags to `dialin serve`, bound to fields of o.
	Flags func(fs *pflag.FlagSet, o *Options)
	// Check validates what the configuration does not (settings that are no field of it)
	// before anything is read or started; return cmdutil.FlagErrorf("--flag: rule") for bad
	// input (exit 64).
	Check func(o *Options) error
	// Apply fills in b.Deps once buildDeps has set the client, API key, logger, sink,
	// metrics and secrets. It may make requests (ctx ends with the command). Register
	// cleanup with b.OnClose: it runs after the engine and the listeners have shut down;
	// add lines to the start-up banner with b.AddBanner.
	Apply func(ctx context.Context, b *DepsBuild) error
}

// depsHooks lists serve's optional parts, in the order they apply. To add one, write
// newXHook() *DepsHook in a file of its own and add one line here.
func depsHooks() []*DepsHook {
	return []*DepsHook{
		newProfileHook(), // profile.go: --cpu-profile (first: it covers what the others start)
		newStateHook(),   // state.go: --state redis://… (before warm: the warm room pool may share it)
		newWarmHook(),    // warm.go: --warm-rooms, --warm-bots
		newAdminHook(),   // admin.go: --call-history, --admin-addr (after state: the history may share its Redis)
	}
}

// DepsBuild is what buildDeps and the hooks work on.
type DepsBuild struct {
	Opts *Options
	// Config is the checked serve configuration; read it, do not change it.
	Config *serveconfig.Config
	// Deps are the engine's dependencies being built.
	Deps *serve.Deps

	// Format is the log format chosen (LogText or LogJSON); Human is true when event lines
	// go to a terminal.
	Format string
	Human  bool
	// WebhookSecretFrom and EventsSecretFrom say where the static secrets came from ("" when
	// serve reads them from Daily), for the banner.
	WebhookSecretFrom, EventsSecretFrom string

	// shared is the Redis that replicas share (--state redis://…), set by the state hook
	// for the hooks after it; nil with --state memory.
	shared *sharedState
	// admin is the admin listener and call history (admin.go), started once serve listens.
	admin *adminSetup

	banners []string
	closers []func()
}

// AddBanner adds a line to the start-up banner, e.g. "warm rooms: 5".
func (b *DepsBuild) AddBanner(line string) { b.banners = append(b.banners, line) }

// OnClose registers f to run once serve has shut down (last registered, first run).
func (b *DepsBuild) OnClose(f func()) { b.closers = append(b.closers, f) }

// Close runs the registered cleanups.
func (b *DepsBuild) Close() {
	for i := len(b.closers) - 1; i >= 0; i-- {
		b.closers[i]()
	}
	b.closers = nil
}

// buildDeps wires everything the engine talks to: Daily (the factory's settings, with the
// metrics observing every request), the logger and the event sink, the signing secrets,
// then each hook. It is the one place dependencies are decided.
func buildDeps(ctx context.Context, o *Options, cfg *serveconfig.Config) (*DepsBuild, error) {
	b := &DepsBuild{Opts: o, Config: cfg, Deps: &serve.Deps{InsecureSkipVerify: o.InsecureSkipVerify, HoldBudget: o.Hold, AdmissionMargin: o.AdmissionMargin}}
	d := b.Deps

	webhookSecret, from, err := secretfile.Resolve(o.IO, "--webhook-secret-file", o.WebhookSecretFile, o.Changed("webhook-secret-file"), secretfile.EnvWebhookSecret, o.Getenv)
	if err != nil {
		return nil, err
	}
	if webhookSecret != "" {
		d.Secrets, b.WebhookSecretFrom = serve.StaticSecrets{from: webhookSecret}, from
	}
	eventsSecret, from, err := secretfile.Resolve(o.IO, "--events-secret-file", o.EventsSecretFile, o.Changed("events-secret-file"), secretfile.EnvEventsSecret, o.Getenv)
	if err != nil {
		return nil, err
	}
	if eventsSecret != "" {
		d.EventSecrets, b.EventsSecretFrom = serve.StaticSecrets{from: eventsSecret}, from
	}

	dcfg, err := o.Config()
	if err != nil {
		return nil, err
	}
	key, _ := dcfg.APIKey()
	if key == "" {
		return nil, &cmdutil.NoAuthError{Profile: dcfg.Profile()}
	}
	apiURL, err := dcfg.APIURL()
	if err != nil {
		return nil, err
	}
	d.APIKey = key
	d.Metrics = serve.NewMetrics()
	clientOpts := append(cmdutil.ClientOptions(dcfg, o.IO, apiURL), daily.WithObserver(d.Metrics.ObserveDaily))
	if scale := cfg.RateScale(); scale != 1 {
		clientOpts = append(clientOpts, daily.WithRaisedRateLimits(scale))
	}
	d.Client = daily.New(key, clientOpts...)
	markInsecure(d.Metrics.Registry(), o.InsecureSkipVerify)

	b.Format = o.LogFormat
	if b.Format == "" {
		b.Format = LogJSON
		if o.IO.IsStderrTTY() {
			b.Format = LogText
		}
	}
	b.Human = b.Format == LogText && (o.IO.IsStderrTTY() || o.lines)
	cloudKey := pipecatCloudDeps(o, dcfg, d)
	d.Logger = newLogger(o.IO.ErrOut, b.Format, b.Human, append([]string{key, webhookSecret, eventsSecret, cloudKey}, botURLSecrets(cfg)...), o.InsecureSkipVerify)
	o.logger, o.logJSON = d.Logger, b.Format == LogJSON
	if b.Human {
		d.Sink = NewEventPrinter(o.IO.ErrOut, output.NewErrColorScheme(o.IO))
	} else {
		d.Sink = serve.LogSink(d.Logger)
	}
	if o.events != nil {
		d.Sink = serve.MultiSink(d.Sink, o.events)
	}
	if o.botEnv != nil {
		d.BotEnv = append(os.Environ(), o.botEnv...)
	}

	for _, h := range o.Hooks {
		if h.Apply != nil {
			if err := h.Apply(ctx, b); err != nil {
				b.Close()
				return nil, err
			}
		}
	}
	return b, nil
}

// markInsecure exports dialin_serve_insecure_skip_verify (1 when signatures are not
// checked), so that a dashboard or an alert can catch a serve left in that mode.
func markInsecure(reg *prometheus.Registry, insecure bool) {
	v := 0.0
	if insecure {
		v = 1
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: "dialin_serve", Name: "insecure_skip_verify",
		Help: "1 when serve accepts unsigned webhooks (--insecure-skip-verify), else 0.",
	}, func() float64 { return v }))
}

// logger is the engine's logger, or a discarding one before buildDeps ran.
func (b *DepsBuild) logger() *slog.Logger {
	if b == nil || b.Deps.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return b.Deps.Logger
}
