package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/caps"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// Server is the engine of `dialin serve`.
type Server struct {
	cfg       *serveconfig.Config
	d         Deps
	log       *slog.Logger
	sink      Sink
	metrics   *Metrics
	store     callstore.Store
	gate      caps.Gate
	launchers map[*rules.Rule]launch.Launcher
	starters  map[*rules.Rule]launch.Starter // rules whose bot makes its own room
	routes    *secretCache
	events    *secretCache
	handler   http.Handler

	mu        sync.Mutex
	closing   bool
	calls     map[string]*call // calls this process took, until they end
	inflight  sync.WaitGroup   // webhook requests being handled
	settling  sync.WaitGroup   // accepted calls not yet at their bot (or patch, with patch: serve)
	bg        sync.WaitGroup   // background goroutines: patches, refreshers
	runCtx    context.Context  // call flows; cancelled when Shutdown gives up
	cancelRun context.CancelFunc
	bgCancel  context.CancelFunc
	bgStopped bool

	// pendingRequests counts the Daily requests of admitted calls not yet made (admission.go).
	pendingRequests atomic.Int64
}

// New builds the engine from a configuration Normalize accepted (serveconfig.Load, or the
// command's one pass over file and flags), and splits every bot command once. A
// configuration built in code and not normalized yet is normalized here; one that was is
// not checked again (Normalize runs once per configuration). cfg must not change
// afterwards. New makes no request; Start does.
func New(cfg *serveconfig.Config, d Deps) (*Server, error) {
	if cfg == nil {
		return nil, errors.New("serve: no configuration")
	}
	if err := cfg.Normalize(); err != nil {
		return nil, err
	}
	if d.Client == nil {
		return nil, errors.New("serve: a Daily client is required")
	}
	s := &Server{cfg: cfg, d: d, log: d.Logger, sink: d.Sink, metrics: d.Metrics, store: d.Store, gate: d.Gate, calls: map[string]*call{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.sink == nil {
		s.sink = SinkFunc(func(Event) {})
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	if s.store == nil {
		s.store = callstore.NewMemory(24*time.Hour, nil)
	}
	if s.gate == nil {
		s.gate = caps.NewLocal(cfg.Caps.Global, cfg.Caps.QueueTimeout)
	}
	s.metrics.gate.Store(&s.gate)
	if s.d.Rooms == nil {
		s.d.Rooms = &RESTRooms{Client: d.Client}
	}
	if s.d.Tokens == nil {
		switch cfg.Tokens {
		case serveconfig.TokensLocal:
			if d.APIKey == "" {
				return nil, errors.New("tokens: local signing needs the API key")
			}
			s.d.Tokens = &LocalTokens{APIKey: d.APIKey, Client: d.Client}
		case serveconfig.TokensAuto:
			s.d.Tokens = &CheckedTokens{Local: &LocalTokens{APIKey: d.APIKey, Client: d.Client}, REST: &RESTTokens{Client: d.Client},
				OnFallback: func(why string) {
					s.log.Warn("meeting tokens come from Daily's REST API (one request per call)", "reason", why)
				}}
		default:
			s.d.Tokens = &RESTTokens{Client: d.Client}
		}
	}
	if s.d.Secrets == nil {
		s.d.Secrets = &RouteSecrets{Client: d.Client}
	}
	if s.d.EventSecrets == nil {
		s.d.EventSecrets = &WebhookSecrets{Client: d.Client}
	}
	if s.d.HoldBudget <= 0 {
		s.d.HoldBudget = DefaultHoldBudget
	}
	if s.d.AdmissionMargin <= 0 {
		s.d.AdmissionMargin = DefaultAdmissionMargin
	}
	if s.d.SecretRefresh <= 0 {
		s.d.SecretRefresh = 5 * time.Minute
	}
	if s.d.MissRefresh <= 0 {
		s.d.MissRefresh = time.Minute
	}
	if s.d.ReplicaID == "" {
		host, _ := os.Hostname()
		s.d.ReplicaID = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if err := s.buildLaunchers(); err != nil {
		return nil, err
	}
	cache := func(name string, src SecretSource) *secretCache {
		return &secretCache{name: name, src: src, missInterval: s.d.MissRefresh, timeout: 3 * time.Second, log: s.log, metrics: s.metrics}
	}
	s.routes, s.events = cache("routes", s.d.Secrets), cache("events", s.d.EventSecrets)
	s.runCtx, s.cancelRun = context.WithCancel(context.Background())
	s.handler = s.routesMux()
	return s, nil
}

func (s *Server) buildLaunchers() error {
	s.launchers = map[*rules.Rule]launch.Launcher{}
	s.starters = map[*rules.Rule]launch.Starter{}
	for i, r := range s.cfg.AllRules() {
		field := "default.bot"
		if i < len(s.cfg.Rules) {
			field = fmt.Sprintf("rules[%d].bot", i)
		}
		st, err := s.newStarter(r)
		if err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		if st != nil {
			s.starters[r] = st
			continue
		}
		l, err := s.newLauncher(r)
		if err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		s.launchers[r] = l
	}
	return nil
}

func (s *Server) newLauncher(r *rules.Rule) (launch.Launcher, error) {
	if s.d.NewLauncher != nil {
		return s.d.NewLauncher(r)
	}
	if r.Bot.URL != "" {
		return launch.NewHTTP(launch.HTTPConfig{URL: r.Bot.URL, Timeout: r.Bot.Timeout})
	}
	pc := launch.ProcessConfig{Command: r.Bot.Cmd, Dir: s.d.BotDir, Env: s.d.BotEnv, Patch: s.cfg.Patch, Logger: s.log, APIURL: s.d.Client.BaseURL()}
	if s.cfg.Patch == serveconfig.PatchBot {
		pc.APIKey = s.d.APIKey // the bot patches the call, so it needs the key
	}
	return launch.NewProcess(pc)
}

func (s *Server) routesMux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(s.cfg.WebhookPath, s.serveWebhook)
	mux.HandleFunc(s.cfg.EventsPath, s.serveEvents)
	mux.HandleFunc("/healthz", s.serveHealth)
	mux.HandleFunc("/readyz", s.serveReady)
	mux.Handle("/metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	return mux
}

// Handler serves the webhook path, the events path, /healthz, /readyz and /metrics.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the registry /metrics serves.
func (s *Server) Metrics() *prometheus.Registry { return s.metrics.reg }

// Config returns the normalized configuration.
func (s *Server) Config() *serveconfig.Config { return s.cfg }

// Start reads the signing secrets and starts their periodic refresh, and starts any room
// source, token minter or launcher that has a Start(ctx) error method (e.g. LocalTokens
// reads the domain id). The refresh
// runs until Shutdown, even when the first read failed. The error is the first read's: the
// command decides whether to exit on it.
func (s *Server) Start(ctx context.Context) error {
	bgCtx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.bgCancel = cancel
	s.mu.Unlock()
	var errs []error
	if err := s.routes.load(ctx); err != nil {
		errs = append(errs, fmt.Errorf("reading the routes' secrets: %w", err))
	}
	if err := s.events.load(ctx); err != nil && s.cfg.Patch == serveconfig.PatchServe {
		errs = append(errs, fmt.Errorf("reading the events webhook's secret (needed by patch: serve): %w", err))
	}
	deps := []any{s.d.Rooms, s.d.Tokens}
	for _, r := range s.cfg.AllRules() {
		deps = append(deps, s.launchers[r])
	}
	for _, dep := range deps {
		if st, ok := dep.(interface{ Start(context.Context) error }); ok {
			if err := st.Start(ctx); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, c := range []*secretCache{s.routes, s.events} {
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			c.run(bgCtx, s.d.SecretRefresh)
		}()
	}
	return errors.Join(errs...)
}

// Shutdown stops taking webhooks (new ones get 503), waits for the webhooks being handled and
// for every accepted call to reach its bot (or, with patch: serve, its patch) or fail, and
// stops the background work. Running bots are left alone. If ctx ends first, calls still
// waiting for a slot or a room are given up (refused) and ctx's error is returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.inflight.Wait()
		s.settling.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.stopBackground()
		s.cancelRun()
		s.bg.Wait() // patches under way, refreshers
		return nil
	case <-ctx.Done():
		// Give up: calls waiting for a slot, a room, a token or their bot are refused, each
		// with its own event; they stop at once, so Shutdown waits (briefly) until every one
		// has said so. Calls still waiting for their patch (patch: serve) are named as
		// dropped. A patch under way finishes within its own timeout if the process lives.
		s.cancelRun()
		select {
		case <-done:
		case <-time.After(giveUpGrace):
		}
		s.mu.Lock()
		for _, c := range s.calls {
			if !c.isSettled.Load() {
				s.log.Warn("call dropped: serve stopped before its patch; Daily plays the route's timeout message when the hold ends", "call_id", c.id, "rule", c.rule.Name)
				s.emit(c, Event{Kind: EventFailed, Reason: "dropped: serve stopped before patching the call"})
			}
			s.settled(c)
		}
		s.mu.Unlock()
		s.stopBackground()
		return ctx.Err()
	}
}

// giveUpGrace bounds how long a Shutdown that gave up waits for the calls it cancelled to
// say so: they stop at their next step, well within it.
const giveUpGrace = 2 * time.Second

func (s *Server) stopBackground() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bgCancel != nil {
		s.bgCancel()
	}
	s.bgStopped = true
}
