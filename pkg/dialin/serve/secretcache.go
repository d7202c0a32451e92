package serve

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// secretCache holds the secrets of one source, reloaded on a period and, at most once per
// missInterval for each reason, when a signature matched none of them or a call's route is
// not among them (a route added since the last read).
type secretCache struct {
	name         string // "routes" or "events", for logs and metrics
	src          SecretSource
	missInterval time.Duration
	timeout      time.Duration
	log          *slog.Logger
	metrics      *Metrics

	mu       sync.RWMutex
	secrets  map[string]string
	loaded   bool
	lastMiss map[string]time.Time // by reason: "" (no secret matched), or the route missed

	reload sync.Mutex // one load at a time
}

// verifier returns a verifier over the current secrets.
func (c *secretCache) verifier(window time.Duration) *webhook.Verifier {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return &webhook.Verifier{Secrets: c.secrets, Window: window}
}

// secret returns the secret named name.
func (c *secretCache) secret(name string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.secrets[name]
	return v, ok
}

// ready reports whether secrets were loaded and there is at least one.
func (c *secretCache) ready() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.loaded && len(c.secrets) > 0
}

// load reads the secrets now.
func (c *secretCache) load(ctx context.Context) error {
	c.reload.Lock()
	defer c.reload.Unlock()
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	secrets, err := c.src.Secrets(ctx)
	if err != nil {
		c.metrics.refreshes.WithLabelValues(c.name, "error").Inc()
		c.log.Warn("reading secrets failed", "source", c.name, "err", err)
		return err
	}
	valid := map[string]string{}
	for name, s := range secrets {
		if webhook.ValidSecret(s) {
			valid[name] = s
		} else {
			c.log.Warn("ignoring a secret that is not base64", "source", c.name, "name", name)
		}
	}
	c.metrics.refreshes.WithLabelValues(c.name, "ok").Inc()
	c.mu.Lock()
	changed := !c.loaded || !sameKeys(c.secrets, valid)
	c.secrets, c.loaded = valid, true
	c.mu.Unlock()
	if changed {
		c.log.Info("secrets loaded", "source", c.name, "count", len(valid))
	}
	return nil
}

// refreshOnMiss reloads the secrets after a miss, unless a miss for the same reason did so
// less than missInterval ago; it reports whether it reloaded. The reason is "" when a
// signature matched no secret, or the name of a route that is not among the secrets: a
// signature miss (Daily's verification body for a route just set) must not keep the first
// call to that route from finding it.
func (c *secretCache) refreshOnMiss(ctx context.Context, reason string) bool {
	c.mu.Lock()
	if last, ok := c.lastMiss[reason]; ok && time.Since(last) < c.missInterval {
		c.mu.Unlock()
		return false
	}
	if c.lastMiss == nil || len(c.lastMiss) >= maxMissReasons {
		c.lastMiss = map[string]time.Time{} // bounded: callers choose the To
	}
	c.lastMiss[reason] = time.Now()
	c.mu.Unlock()
	return c.load(ctx) == nil
}

// maxMissReasons bounds the reasons remembered between resets.
const maxMissReasons = 1024

// run reloads every period until ctx ends; until a first load succeeds it retries every
// 10 s (or period, if shorter), so a Daily outage at start-up does not last 5 minutes.
func (c *secretCache) run(ctx context.Context, period time.Duration) {
	for {
		wait := period
		c.mu.RLock()
		if !c.loaded {
			wait = min(period, 10*time.Second)
		}
		c.mu.RUnlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
			_ = c.load(ctx)
		}
	}
}

func sameKeys(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
