package servecmd

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
)

// stateMemory is --state's default: calls, caps and idempotency in this process.
const stateMemory = "memory"

// newStateHook adds --state: memory (one serve) or a Redis that several replicas share
// (redisstate: the call store, the caps gate with leased slots, and /readyz failing while
// Redis is unreachable). The password comes from DIALIN_REDIS_PASSWORD or REDIS_PASSWORD,
// never from the command line.
func newStateHook() *DepsHook {
	h := &DepsHook{}
	h.Flags = func(fs *pflag.FlagSet, o *Options) {
		fs.StringVar(&o.State, "state", stateMemory, "Calls, caps and idempotency: memory (one serve) or redis://HOST:PORT/DB, rediss://… shared by replicas (password: DIALIN_REDIS_PASSWORD; docs/replicas.md)")
	}
	h.Check = func(o *Options) error {
		if o.State == stateMemory {
			return nil
		}
		if _, err := redisstate.ParseURL(o.State, func(string) string { return "" }); err != nil {
			return cmdutil.FlagErrorf("%v", err)
		}
		return nil
	}
	h.Apply = func(_ context.Context, b *DepsBuild) error {
		if b.Opts.State == stateMemory {
			return nil
		}
		// Parsed with the password, from the environment serve runs with.
		getenv := b.Opts.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		parsed, err := redisstate.ParseURL(b.Opts.State, getenv)
		if err != nil {
			return cmdutil.FlagErrorf("%v", err)
		}
		log := b.logger()
		redis.SetLogger(redisLogger{log}) // go-redis's own notes, at debug level
		rdb := redis.NewClient(parsed.Options)
		trips := redisstate.CountRoundTrips(rdb)
		// What the shared state costs, for dashboards and `dialin bench` (per call: divide by
		// dialin_serve_calls_total).
		b.Deps.Metrics.Registry().MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "dialin_serve", Name: "state_round_trips_total",
			Help: "Requests this serve sent to the shared state's Redis (each atomic step is one).",
		}, func() float64 { return float64(trips.Load()) }))
		cfg := b.Config
		d := b.Deps
		d.Store = redisstate.NewStore(rdb, redisstate.StoreOptions{Prefix: parsed.Prefix})
		gate := redisstate.NewGate(rdb, redisstate.GateOptions{
			Global: cfg.Caps.Global, QueueTimeout: cfg.Caps.QueueTimeout,
			Prefix: parsed.Prefix, LeaseTTL: parsed.LeaseTTL, Logger: log,
		})
		d.Gate = gate
		d.ReadyCheck = func(ctx context.Context) error { return redisstate.Ping(ctx, rdb) }
		if d.ReplicaID == "" {
			d.ReplicaID = replicaID()
		}
		b.shared = &sharedState{rdb: rdb, cfg: parsed, replica: d.ReplicaID}
		b.OnClose(func() {
			_ = gate.Close() // held leases lapse within lease_ttl; their bots may still run
			_ = rdb.Close()
		})
		b.AddBanner(fmt.Sprintf("state: %s (prefix %q, lease %s); calls, the cap and the queue are shared by every replica on it",
			parsed.Redacted, parsed.Prefix, parsed.LeaseTTL))
		return nil
	}
	return h
}

// redisLogger passes go-redis's log lines (reconnects, pool notes) to serve's logger at
// debug level: serve logs what they mean for calls itself.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
