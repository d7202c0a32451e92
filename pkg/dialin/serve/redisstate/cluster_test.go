package redisstate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

const testNumber = "+14155550100"

// cluster is serve replicas sharing one Redis in front of one emulator, with one bot runner
// (stand-in bots, in this process) that every replica hands its calls to.
type cluster struct {
	t        *testing.T
	emu      *dailytest.Server
	client   *daily.Client
	redis    *redistest.Server
	prefix   string
	runner   *botRunner
	opts     clusterOpts
	replicas []*replica
}

type clusterOpts struct {
	cap          int
	queueTimeout time.Duration
	leaseTTL     time.Duration
	patch        string        // serveconfig.PatchBot (default) or serveconfig.PatchServe
	endpoints    int           // SIP endpoints per room (default 1)
	talk         time.Duration // how long a bot stays in a call; 0: until the call ends
	ownRedis     bool          // a Redis of the test's own (it will be restarted)
}

func newCluster(t *testing.T, o clusterOpts) *cluster {
	t.Helper()
	if o.queueTimeout == 0 {
		o.queueTimeout = 30 * time.Second
	}
	if o.leaseTTL == 0 {
		o.leaseTTL = 15 * time.Second
	}
	if o.patch == "" {
		o.patch = serveconfig.PatchBot
	}
	c := &cluster{t: t, opts: o, prefix: uniquePrefix()}
	if o.ownRedis {
		c.redis = redistest.Start(t)
	} else {
		c.redis = redistest.Shared(t)
	}
	c.emu = dailytest.New(t, dailytest.WithoutRateLimit(), dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithHoldTimeout(90*time.Second))
	c.client = daily.New(c.emu.APIKey, daily.WithBaseURL(c.emu.URL), daily.WithoutRateLimit())
	c.runner = newBotRunner(t, c.emu, o.patch == serveconfig.PatchBot, o.talk)
	c.emu.SeedPurchased(testNumber, time.Now().Add(-30*24*time.Hour))
	return c
}

// serveConfig is a fresh configuration (serve.New normalizes it in place) for a replica.
func (c *cluster) serveConfig() *serveconfig.Config {
	return &serveconfig.Config{
		Patch:   c.opts.patch,
		Caps:    serveconfig.Caps{Global: c.opts.cap, QueueTimeout: c.opts.queueTimeout},
		Room:    rules.Room{NumEndpoints: max(c.opts.endpoints, 1)},
		Default: &rules.Rule{Bot: rules.Bot{URL: c.runner.url()}},
	}
}

// replica is one serve in this process.
type replica struct {
	id     string
	srv    *serve.Server
	hs     *httptest.Server
	events *recorder
	logs   *syncBuffer
	rdb    *redis.Client
	gate   *redisstate.Gate
	store  *redisstate.Store
	trips  *redisstate.RoundTrips
}

func (c *cluster) addReplica(id string) *replica {
	t := c.t
	t.Helper()
	cfg, err := redisstate.ParseURL(c.redis.URL(), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{id: id, events: &recorder{}, logs: &syncBuffer{}}
	r.rdb = redis.NewClient(cfg.Options)
	r.trips = redisstate.CountRoundTrips(r.rdb)
	log := slog.New(slog.NewJSONHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug})).With("replica", id)
	scfg := c.serveConfig()
	r.gate = redisstate.NewGate(r.rdb, redisstate.GateOptions{Global: c.opts.cap, QueueTimeout: c.opts.queueTimeout,
		Prefix: c.prefix, LeaseTTL: c.opts.leaseTTL, Poll: 200 * time.Millisecond, Logger: log})
	r.store = redisstate.NewStore(r.rdb, redisstate.StoreOptions{Prefix: c.prefix})
	client := daily.New(c.emu.APIKey, daily.WithBaseURL(c.emu.URL), daily.WithoutRateLimit())
	r.srv, err = serve.New(scfg, serve.Deps{
		Client: client, APIKey: c.emu.APIKey, Logger: log, Sink: r.events, ReplicaID: id,
		Store: r.store, Gate: r.gate, ReadyCheck: func(ctx context.Context) error { return redisstate.Ping(ctx, r.rdb) },
	})
	if err != nil {
		t.Fatal(err)
	}
	r.hs = httptest.NewServer(r.srv.Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.srv.Shutdown(ctx)
		r.hs.Close()
		r.gate.Close()
		r.rdb.Close()
		if t.Failed() {
			t.Logf("logs of replica %s:\n%s", id, tail(r.logs.String(), 40))
		}
	})
	c.replicas = append(c.replicas, r)
	return r
}

// route points the number's pinless route at webhookURL and Daily's /webhooks at eventsURL
// (if not ""), then starts every replica (they read the secrets).
func (c *cluster) route(webhookURL, eventsURL string, secret, evSecret string) {
	t := c.t
	t.Helper()
	ctx := context.Background()
	entry := daily.PinlessDialinEntry{PhoneNumber: testNumber, RoomCreationAPI: webhookURL, HMAC: secret}
	if _, err := c.client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{entry}); err != nil {
		t.Fatal(err)
	}
	if eventsURL != "" {
		if _, err := c.client.CreateWebhook(ctx, daily.WebhookRequest{URL: eventsURL, HMAC: evSecret}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range c.replicas {
		if err := r.srv.Start(ctx); err != nil {
			t.Fatalf("replica %s: %v", r.id, err)
		}
	}
}

func (c *cluster) urls(path string) []string {
	var out []string
	for _, r := range c.replicas {
		out = append(out, r.hs.URL+path)
	}
	return out
}

// place places a call to the test number.
func (c *cluster) place(from string) string {
	c.t.Helper()
	id, err := c.emu.PlaceCall(dailytest.CallSpec{To: testNumber, From: from})
	if err != nil {
		c.t.Fatal(err)
	}
	return id
}

// connectedOnce checks that a call connected, was forwarded (pinlessCallUpdate accepted)
// exactly once and was handed to exactly one bot.
func (c *cluster) connectedOnce(ctx context.Context, id string) {
	c.t.Helper()
	rec, err := c.emu.WaitCall(ctx, id, "connected", "ended", "lost", "dropped")
	if err != nil {
		c.t.Fatalf("call %s: %v", id, err)
	}
	if _, ok := rec.At("connected"); !ok {
		c.t.Fatalf("call %s not connected: %s %+v", id, rec.State, rec.Timeline)
	}
	updates := 0
	for _, m := range rec.Timeline {
		if m.Name == "updated" {
			updates++
		}
	}
	if updates != 1 {
		c.t.Fatalf("call %s forwarded %d times", id, updates)
	}
	if n := c.runner.launches(id); n != 1 {
		c.t.Fatalf("call %s handed to %d bots", id, n)
	}
}

func (c *cluster) count(kind serve.EventKind) int {
	n := 0
	for _, r := range c.replicas {
		n += len(r.events.of(kind, ""))
	}
	return n
}

func (c *cluster) stats() redisstate.GateStats {
	c.t.Helper()
	st, err := c.replicas[0].gate.Stats(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	return st
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// recorder is a Sink that keeps every event, and passes each to its hook (if set) as serve
// emits it.
type recorder struct {
	mu     sync.Mutex
	events []serve.Event
	hook   func(serve.Event)
}

func (r *recorder) Emit(e serve.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	hook := r.hook
	r.mu.Unlock()
	if hook != nil {
		hook(e)
	}
}

func (r *recorder) setHook(fn func(serve.Event)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hook = fn
}

func (r *recorder) of(kind serve.EventKind, callID string) []serve.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []serve.Event
	for _, e := range r.events {
		if e.Kind == kind && (callID == "" || e.CallID == callID) {
			out = append(out, e)
		}
	}
	return out
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer = testkit.SyncBuffer

// readyz asks a replica's /readyz.
func readyz(t *testing.T, base string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Status, Reason string }
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, fmt.Sprint(body.Status, ": ", body.Reason)
}
