package redisstate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	env := map[string]string{"REDIS_PASSWORD": "fallback-pw"}
	getenv := func(k string) string { return env[k] }
	c, err := redisstate.ParseURL("rediss://ops@redis.internal:6380/2?prefix=acme:&lease_ttl=20s&pool_size=7", getenv)
	if err != nil {
		t.Fatal(err)
	}
	o := c.Options
	if o.Addr != "redis.internal:6380" || o.DB != 2 || o.Username != "ops" || o.TLSConfig == nil || o.PoolSize != 7 {
		t.Fatalf("options %+v", o)
	}
	if o.Password != "fallback-pw" || o.MaxRetries != -1 || c.Prefix != "acme:" || c.LeaseTTL != 20*time.Second {
		t.Fatalf("config %+v / retries %d", c, o.MaxRetries)
	}
	if strings.Contains(c.Redacted, "pw") || !strings.HasPrefix(c.Redacted, "rediss://ops@redis.internal:6380/2") {
		t.Fatalf("redacted %q", c.Redacted)
	}
	env["DIALIN_REDIS_PASSWORD"] = "first-pw"
	c, _ = redisstate.ParseURL("redis://127.0.0.1:6379", getenv)
	if c.Options.Password != "first-pw" || c.Prefix != redisstate.DefaultPrefix || c.LeaseTTL != redisstate.DefaultLeaseTTL || c.Options.TLSConfig != nil {
		t.Fatalf("defaults %+v", c)
	}
	bad := map[string]string{
		"redis://:hunter2@127.0.0.1:6379":      "must not hold the password",
		"http://127.0.0.1:6379":                "want redis:// or rediss://",
		"redis://127.0.0.1:6379?lease_ttl=5":   "lease_ttl",
		"redis://127.0.0.1:6379?prefix=":       "prefix",
		"redis://127.0.0.1:6379/x":             "--state:",
		"redis://127.0.0.1:6379?bogus_param=1": "--state:",
	}
	for raw, want := range bad {
		_, err := redisstate.ParseURL(raw, getenv)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: %v (want %q)", raw, err, want)
		}
	}
}
