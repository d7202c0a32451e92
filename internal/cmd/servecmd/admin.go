package servecmd

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/admin"
	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

// Defaults of the call history.
const (
	DefaultCallHistory    = 1000
	DefaultCallHistoryTTL = 24 * time.Hour
)

// adminSetup is what the admin hook decided, for serveRun to start once the engine exists.
type adminSetup struct {
	addr     string
	explicit bool
	recorder *history.Recorder // nil with --call-history 0
}

// newAdminHook adds --call-history, --call-history-ttl and --admin-addr: serve records
// each call's timeline (pkg/dialin/serve/history; in Redis with --state redis://) and
// serves it with health and metrics on the admin listener (pkg/dialin/serve/admin).
func newAdminHook() *DepsHook {
	h := &DepsHook{}
	h.Flags = func(fs *pflag.FlagSet, o *Options) {
		fs.IntVar(&o.CallHistory, "call-history", DefaultCallHistory, "Keep the last `N` calls with their timeline and webhook body for `dialin calls` and the inspector (0: off)")
		fs.DurationVar(&o.CallHistoryTTL, "call-history-ttl", DefaultCallHistoryTTL, "Forget a call this long after its last event (the history holds callers' numbers)")
		fs.StringVar(&o.AdminAddr, "admin-addr", admin.DefaultAddr, "Admin listener HOST:PORT: the inspector page, the calls API, /healthz /readyz /metrics (\"\": off; loopback only unless "+admin.TokenEnv+" is set)")
	}
	h.Check = func(o *Options) error {
		if o.CallHistory < 0 {
			return cmdutil.FlagErrorf("--call-history: 0 or more calls")
		}
		if o.CallHistoryTTL <= 0 {
			return cmdutil.FlagErrorf("--call-history-ttl: a positive duration, such as 24h")
		}
		if o.AdminAddr != "" {
			if _, _, err := net.SplitHostPort(o.AdminAddr); err != nil {
				return cmdutil.FlagErrorf("--admin-addr: HOST:PORT, such as 127.0.0.1:7861")
			}
		}
		return nil
	}
	h.Apply = func(_ context.Context, b *DepsBuild) error {
		o := b.Opts
		b.admin = &adminSetup{addr: o.AdminAddr, explicit: o.Changed("admin-addr")}
		if o.CallHistory == 0 {
			b.AddBanner("call history: off")
			return nil
		}
		var store history.Store = history.NewMemory(o.CallHistory, o.CallHistoryTTL, nil)
		if b.shared != nil {
			store = history.NewRedis(b.shared.rdb, b.shared.cfg.Prefix, o.CallHistory, o.CallHistoryTTL)
		}
		rec := history.NewRecorder(store, b.logger())
		b.admin.recorder = rec
		b.Deps.Metrics.Registry().MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "dialin_serve", Name: "call_history_dropped_total",
			Help: "Call events not recorded in the call history because its queue was full.",
		}, func() float64 { return float64(rec.Dropped()) }))
		b.Deps.Sink = serve.MultiSink(b.Deps.Sink, rec)
		b.OnClose(rec.Close)
		b.AddBanner(fmt.Sprintf("call history: the last %d calls, each for %s", o.CallHistory, o.CallHistoryTTL))
		return nil
	}
	return h
}

// startAdmin binds and serves the admin listener; it returns its URL, or "" when there is
// none (off, or the default address was taken: then it warns).
func startAdmin(ctx context.Context, n *notifier, srv *serve.Server, webhookURL string, start func(net.Listener, http.Handler)) (string, error) {
	a := n.b.admin
	if a == nil {
		return "", nil
	}
	ln, warning, err := admin.Listen(a.addr, a.explicit)
	if err != nil {
		return "", err
	}
	if warning != "" {
		n.warn(warning, "no admin listener", "addr", a.addr, "reason", "address in use")
		return "", nil
	}
	if ln == nil {
		return "", nil
	}
	getenv := n.o.Getenv
	start(ln, admin.Handler(admin.Options{Server: srv, Recorder: a.recorder, WebhookURL: webhookURL, Token: getenv(admin.TokenEnv), Done: ctx.Done()}))
	return listenURL(a.addr, ln.Addr()), nil
}
