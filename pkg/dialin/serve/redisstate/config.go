package redisstate

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix is where keys go unless the URL's prefix parameter says otherwise.
const DefaultPrefix = "dialin:"

// DefaultLeaseTTL is how long a slot outlives the last renewal of its replica.
const DefaultLeaseTTL = 15 * time.Second

// PasswordEnv are the environment variables read for the Redis password, in order.
var PasswordEnv = []string{"DIALIN_REDIS_PASSWORD", "REDIS_PASSWORD"}

// Config is a parsed --state redis://… or rediss://… URL.
type Config struct {
	Options  *redis.Options // for redis.NewClient; retries off (see ParseURL)
	Prefix   string
	LeaseTTL time.Duration
	// Redacted is the URL without user information, for logs and messages.
	Redacted string
}

// ParseURL reads a state URL: redis://[user@]host:port/db or rediss://… (TLS), with
// optional parameters prefix (default "dialin:") and lease_ttl (a Go duration, default
// 15s), plus go-redis's own (dial_timeout, pool_size, …). The password must not be in the
// URL (a command line is visible to other users of the machine): it comes from the first of
// PasswordEnv that getenv returns non-empty.
//
// go-redis's automatic retries are turned off: a script whose reply was lost must not run
// again (a second claim would look like a repeat of the first); serve treats an error as
// "state unavailable" instead. Dial attempts are cut to one, and I/O timeouts to a second
// (unless the URL sets them), so that an outage costs a webhook little time.
func ParseURL(raw string, getenv func(string) string) (*Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("--state: not a URL (want memory, redis://host:port/db or rediss://…)")
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, fmt.Errorf("--state: scheme %q: want redis:// or rediss://", u.Scheme)
	}
	if _, has := u.User.Password(); has {
		return nil, errors.New("--state: the URL must not hold the password: set DIALIN_REDIS_PASSWORD instead")
	}
	c := &Config{Prefix: DefaultPrefix, LeaseTTL: DefaultLeaseTTL}
	q := u.Query()
	if p, ok := q["prefix"]; ok {
		if c.Prefix = p[0]; c.Prefix == "" {
			return nil, errors.New("--state: prefix: must not be empty")
		}
		q.Del("prefix")
	}
	if v := q.Get("lease_ttl"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return nil, errors.New("--state: lease_ttl: want a duration of at least 1s, such as 15s")
		}
		c.LeaseTTL = d
		q.Del("lease_ttl")
	}
	u.RawQuery = q.Encode()
	opts, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("--state: %s", strings.TrimPrefix(err.Error(), "redis: "))
	}
	for _, name := range PasswordEnv {
		if v := getenv(name); v != "" {
			opts.Password = v
			break
		}
	}
	opts.MaxRetries = -1
	// A Redis that refuses connections should make serve answer 503 at once, not after
	// go-redis's default five dial attempts.
	opts.DialerRetries, opts.DialerRetryTimeout = 1, 50*time.Millisecond
	if !strings.Contains(u.RawQuery, "dial_timeout") {
		opts.DialTimeout = 2 * time.Second
	}
	if !strings.Contains(u.RawQuery, "read_timeout") {
		opts.ReadTimeout = time.Second
	}
	if !strings.Contains(u.RawQuery, "write_timeout") {
		opts.WriteTimeout = time.Second
	}
	red := *u
	red.User = nil
	if name := u.User.Username(); name != "" {
		red.User = url.User(name)
	}
	c.Options, c.Redacted = opts, red.String()
	return c, nil
}
