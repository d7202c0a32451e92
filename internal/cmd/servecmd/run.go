package servecmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// httpShutdownGrace is how long the listeners get to finish their requests once the engine
// has shut down (or given up), whatever is left of --shutdown-timeout.
const httpShutdownGrace = 5 * time.Second

// serveRun loads the configuration, builds the engine, listens, and serves until ctx ends
// (SIGINT/SIGTERM), then shuts down gracefully and returns nil.
func serveRun(ctx context.Context, o *Options) error {
	cfg := o.serveConfig // validate's one pass over the file and the flags
	if cfg == nil {
		return errors.New("serve: the configuration was not loaded (validate first)")
	}
	if err := cfg.CheckPrograms(""); err != nil {
		return cmdutil.FlagErrorWrap(err)
	}
	interrupts, stopSignals := o.watchInterrupts()
	defer stopSignals()
	b, err := buildDeps(ctx, o, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	dropped := &droppedCalls{}
	b.Deps.Sink = serve.MultiSink(b.Deps.Sink, dropped)
	srv, err := serve.New(cfg, *b.Deps)
	if err != nil {
		return err
	}
	log := b.logger()
	n := &notifier{o: o, b: b, log: log, interrupts: interrupts, dropped: dropped}

	ln, err := o.listen()
	if err != nil {
		return err
	}
	handler := srv.Handler()
	var servers []*http.Server
	serveErr := make(chan error, 2)
	start := func(l net.Listener, h http.Handler) {
		hs := newHTTPServer(h, log)
		servers = append(servers, hs)
		go func() {
			if err := hs.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				serveErr <- err
			}
		}()
	}
	metricsURL := listenURL(o.Addr, ln.Addr()) + "/metrics"
	if o.MetricsAddr != "" {
		mln, err := net.Listen("tcp", o.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr: cannot listen on %s: %w", o.MetricsAddr, unwrapOp(err))
		}
		handler = withoutMetrics(handler)
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(srv.Metrics(), promhttp.HandlerOpts{}))
		start(mln, mux)
		metricsURL = listenURL(o.MetricsAddr, mln.Addr()) + "/metrics"
	}
	// Capped, so that slow or idle clients cannot use up the descriptors; health answers
	// past the cap.
	start(serve.LimitListener(ln, o.MaxConns, srv.HealthHandler()), handler)
	url := listenURL(o.Addr, ln.Addr())
	// The key is checked before the banner says serve is listening: a wrong key ends here.
	if err := checkKey(ctx, b); err != nil {
		closeQuietly(servers)
		return err
	}
	adminURL, err := startAdmin(ctx, n, srv, url+cfg.WebhookPath, start)
	if err != nil {
		closeQuietly(servers)
		return err
	}
	n.banner(url, metricsURL, srv)
	if adminURL != "" {
		n.info("  admin    "+adminURL+"  (inspector page; `dialin calls --serve "+adminURL+"`)", "admin listening", "admin_url", adminURL)
	}

	if err := srv.Start(ctx); err != nil {
		switch {
		case ctx.Err() != nil: // SIGINT/SIGTERM while starting
			return n.shutdown(srv, servers)
		case daily.IsAuth(err):
			n.shutdown(srv, servers)
			return err
		}
		n.warn("Could not read the signing secrets from Daily yet: "+err.Error()+"; retrying every 5 minutes",
			"could not read the signing secrets from Daily yet; retrying", "err", err)
	}
	if ok, why := srv.Ready(); !ok {
		n.warn("Not ready: "+why+"; webhooks are answered 503 until then (see /readyz)",
			"not ready; webhooks are answered 503 until then", "reason", why)
	}
	if o.ReadyFile != "" {
		remove, err := writeReadyFile(o.ReadyFile, url, metricsURL, adminURL)
		if err != nil {
			n.shutdown(srv, servers)
			return err
		}
		defer remove()
	}
	if o.ready != nil {
		o.ready(url, srv)
	}
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		n.shutdown(srv, servers)
		return fmt.Errorf("serving HTTP: %w", err)
	}
	return n.shutdown(srv, servers)
}

// shutdown stops the engine first: it answers new webhooks 503 but keeps taking Daily's
// events, which calls under way may still need (patch: serve waits for dialin.ready). Then
// the listeners close and finish their requests. A second SIGINT/SIGTERM while it waits
// stops at once: the accepted calls not yet at their bot are refused, each named, and the
// error returned exits 130.
func (n *notifier) shutdown(srv *serve.Server, servers []*http.Server) error {
	timeout := n.o.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	n.info(fmt.Sprintf("Shutting down: new webhooks get 503; waiting up to %s for calls under way to reach their bot (interrupt again to stop now)", timeout),
		"shutting down", "timeout", timeout.String())
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	forced := make(chan struct{})
	go func() {
		select {
		case <-n.interrupts:
			close(forced)
			cancel()
		case <-ctx.Done():
		}
	}()
	err := srv.Shutdown(ctx)
	isForced := false
	select {
	case <-forced:
		isForced = true
	default:
	}
	switch {
	case isForced:
		n.warn("Forced stop: "+n.dropped.describe(), "forced stop: accepted calls not yet at their bot were dropped",
			"dropped", n.dropped.ids(), "count", len(n.dropped.ids()))
	case err != nil:
		n.warn(fmt.Sprintf("Shutdown timed out after %s: %s", timeout, n.dropped.describe()),
			"shutdown timed out; calls still waiting for a slot or a room were refused", "timeout", timeout.String(), "dropped", n.dropped.ids())
	}
	hctx, hcancel := context.WithTimeout(context.Background(), httpShutdownGrace)
	defer hcancel()
	if isForced {
		closeQuietly(servers)
	}
	for _, hs := range servers {
		if err := hs.Shutdown(hctx); err != nil {
			_ = hs.Close()
		}
	}
	n.info("Stopped. Running bots were left alone.", "stopped; running bots were left alone")
	if isForced {
		return shown{fmt.Errorf("forced stop: %w", cmdutil.ErrCancel)}
	}
	return nil
}

// closeQuietly closes the listeners at once, dropping their connections.
func closeQuietly(servers []*http.Server) {
	for _, hs := range servers {
		_ = hs.Close()
	}
}

func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// withoutMetrics hides /metrics from the main listener when --metrics-addr serves it: the
// webhook address is often public, the metrics need not be.
func withoutMetrics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// listenURL is the URL to print for a listener: the host the user gave (0.0.0.0 for every
// interface) with the port actually bound.
func listenURL(addr string, bound net.Addr) string {
	host, _, _ := net.SplitHostPort(addr)
	if host == "" {
		host = "0.0.0.0"
	}
	_, port, _ := net.SplitHostPort(bound.String())
	return "http://" + net.JoinHostPort(host, port)
}

// unwrapOp drops net.OpError's "listen tcp 127.0.0.1:7860:" prefix, which the message
// already says.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
