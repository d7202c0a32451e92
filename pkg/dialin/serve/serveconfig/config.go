// Package config is the configuration of `dialin serve`: the YAML file (parsed with line
// numbers, so every mistake is reported as file:line: field: rule) and the same settings
// built in code. Read parses a file without checking it, so that `dialin serve` can apply
// its flags first; Normalize then fills defaults and checks everything once, reporting every
// problem at once (Errors). Parse and Load do both, for a file on its own.
//
// The file:
//
//	webhook_path: /dialin        # where Daily POSTs the pinless dial-in webhook
//	events_path: /events         # where Daily's /webhooks deliveries arrive (dialin.ready, …)
//	patch: bot                   # who calls pinlessCallUpdate: bot (default) | serve
//	tokens: auto                 # signed locally once Daily accepts one (auto, default) | local | from Daily (rest)
//	max_body_bytes: 65536
//	signature_window: 5m         # how far a signature's timestamp may be from now
//	caps: {global: 50, queue_timeout: 30s}
//	max_call_duration: 1h        # a call's slot is freed after this, whatever happens
//	daily_rate_limit: 20         # requests per second Daily allows the domain (raise it only if Daily did)
//	room: {num_endpoints: 1, exp: 1h, video: false}   # defaults for every rule
//	pool: {rooms: auto, min_rooms: 2, refill_per_second: 9, room_lifetime: 1h}   # warm rooms, defaults for every rule
//	                             # rooms: auto (default) follows the call rate; N keeps N; 0: no pool
//	rules:                       # first match wins
//	  - name: support
//	    match: {to: ["+1415555*"], from: ["+44*"], sip_headers: {X-Team: support}}
//	    bot: {cmd: "python3 -m bot -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}"}
//	    cap: 10
//	    room: {num_endpoints: 2}
//	    pool: {rooms: 10}        # 10 rooms created ahead for this rule's calls
//	  - name: warm
//	    match: {to: +12125550199}
//	    bot: {cmd: "python3 warm_bot.py", warm: 4}   # 4 bots started ahead, reading the call on stdin (default auto: by the call rate)
//	default:                     # takes what no rule matched; without it such calls are refused
//	  bot: {url: "http://127.0.0.1:9000/start", timeout: 10s}
package serveconfig

import (
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// Patch modes: who calls pinlessCallUpdate once the room's SIP endpoint is ready.
const (
	PatchBot   = "bot"   // the bot, on its dialin-ready event (Pipecat's dial-in example does this)
	PatchServe = "serve" // serve, on Daily's dialin.ready webhook, once per call
)

// Token modes: where the bot's meeting token comes from.
const (
	TokensREST  = "rest"  // POST /meeting-tokens
	TokensLocal = "local" // signed with the API key, no request
	// TokensAuto signs locally once Daily accepted a signed token at start-up (GET
	// /meeting-tokens/:token), else asks Daily for each (serve.CheckedTokens).
	TokensAuto = "auto"
)

// Config is serve's configuration. The zero value plus Normalize is a valid configuration
// except that it needs a default bot or rules.
type Config struct {
	WebhookPath     string
	EventsPath      string
	Patch           string
	Tokens          string
	MaxBodyBytes    int64
	SignatureWindow time.Duration
	Caps            Caps
	MaxCallDuration time.Duration
	// DailyRateLimit is the requests per second Daily allows the domain: its published 20
	// unless Daily raised it. serve's request budget, the pool's default refill and its
	// bound scale with it (RateScale).
	DailyRateLimit float64
	// Room holds the room defaults; Normalize merges them into every rule's Room.
	Room    rules.Room
	Rules   []rules.Rule
	Default *rules.Rule
	// Pool holds the warm room pool defaults; Normalize merges them into every rule's Pool.
	Pool rules.Pool

	// File is the file the configuration was read from, for messages.
	File string
	// lines maps a field path ("rules[0].bot.cmd") to its line in File.
	lines map[string]int
	// flags maps a field path to the flag that set it (SetByFlag).
	flags map[string]string
	// parsed are the file's own problems (Read); checked the rules broken (Normalize).
	parsed, checked []*Error
	// normalized is set once Normalize succeeded.
	normalized bool
}

// Caps bound the calls running at once.
type Caps struct {
	// Global bounds all calls together.
	Global int
	// QueueTimeout is how long a call over a cap waits for a slot before it is refused.
	QueueTimeout time.Duration
}

// Defaults.
const (
	DefaultWebhookPath     = "/dialin"
	DefaultEventsPath      = "/events"
	DefaultMaxBodyBytes    = 64 << 10
	DefaultSignatureWindow = 5 * time.Minute
	DefaultGlobalCap       = 50
	DefaultQueueTimeout    = 30 * time.Second
	DefaultMaxCallDuration = time.Hour
	// DefaultDailyRateLimit is Daily's published limit for most endpoints (20 requests per
	// second, 100 per 5 s), which pkg/daily's limiter keeps to; MaxDailyRateLimit bounds a
	// raised one.
	DefaultDailyRateLimit = 20.0
	MaxDailyRateLimit     = 10000
	DefaultRoomExp        = time.Hour
	DefaultNumEndpoints   = 1

	MaxQueueTimeout    = 10 * time.Minute
	MinMaxCallDuration = time.Second
	MaxMaxCallDuration = 7 * 24 * time.Hour
)

// line finds the line of field, or of the closest enclosing field that has one.
func (c *Config) line(field string) int {
	for f := field; f != ""; f = parent(f) {
		if l, ok := c.lines[f]; ok {
			return l
		}
	}
	return 0
}

func parent(f string) string {
	for i := len(f) - 1; i >= 0; i-- {
		if f[i] == '.' || f[i] == '[' {
			return f[:i]
		}
	}
	return ""
}

// AllRules lists the rules followed by the default (if any), in match order.
func (c *Config) AllRules() []*rules.Rule {
	out := make([]*rules.Rule, 0, len(c.Rules)+1)
	for i := range c.Rules {
		out = append(out, &c.Rules[i])
	}
	if c.Default != nil {
		out = append(out, c.Default)
	}
	return out
}

// Match returns the rule a call takes and why (rules.Match over this configuration).
func (c *Config) Match(call rules.Call) (*rules.Rule, string) {
	return rules.Match(c.Rules, c.Default, call)
}
