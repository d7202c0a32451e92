package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// httpShutdownGrace is how long the listeners get to finish their requests once the engine
// has shut down (or given up), whatever is left of --shutdown-timeout.
const httpShutdownGrace = 5 * time.Second

// serveRun loads the configuration, builds the engine, listens, and serves until ctx ends
// (SIGINT/SIGTERM), then shuts down gracefully and returns nil.
func serveRun(ctx context.Context, o *Options) error {
	cfg, err := loadConfig(o)
	if err != nil {
		return err
	}
	b, err := buildDeps(ctx, o, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	srv, err := serve.New(cfg, *b.Deps)
	if err != nil {
		return err
	}
	log := b.logger()
	n := &notifier{o: o, b: b, log: log}

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
	start(ln, handler)
	url := listenURL(o.Addr, ln.Addr())
	adminURL, err := startAdmin(ctx, n, srv, url+cfg.WebhookPath, start)
	if err != nil {
		n.shutdown(srv, servers)
		return err
	}
	n.banner(url, metricsURL, srv)
	if adminURL != "" {
		n.info("  admin    "+adminURL+"  (inspector page; `dialin calls --serve "+adminURL+"`)", "admin listening", "admin_url", adminURL)
	}

	if err := srv.Start(ctx); err != nil {
		switch {
		case ctx.Err() != nil: // SIGINT/SIGTERM while starting
			n.shutdown(srv, servers)
			return nil
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
	n.shutdown(srv, servers)
	return nil
}

// shutdown stops the engine first: it answers new webhooks 503 but keeps taking Daily's
// events, which calls under way may still need (patch: serve waits for dialin.ready). Then
// the listeners close and finish their requests.
func (n *notifier) shutdown(srv *serve.Server, servers []*http.Server) {
	timeout := n.o.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	n.info(fmt.Sprintf("Shutting down: new webhooks get 503; waiting up to %s for calls under way to reach their bot", timeout),
		"shutting down", "timeout", timeout.String())
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		n.warn(fmt.Sprintf("Shutdown timed out after %s: calls still waiting for a slot or a room were refused", timeout),
			"shutdown timed out; calls still waiting for a slot or a room were refused", "timeout", timeout.String())
	}
	hctx, hcancel := context.WithTimeout(context.Background(), httpShutdownGrace)
	defer hcancel()
	for _, hs := range servers {
		if err := hs.Shutdown(hctx); err != nil {
			_ = hs.Close()
		}
	}
	n.info("Stopped. Running bots were left alone.", "stopped; running bots were left alone")
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
