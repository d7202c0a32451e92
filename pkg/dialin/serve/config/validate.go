package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

var ruleName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

var reservedPaths = []string{"/healthz", "/readyz", "/metrics"}

// Normalize fills every unset setting with its default, merges the room defaults into each
// rule, and checks the whole configuration. The first problem is returned as an *Error.
func (c *Config) Normalize() error {
	c.defaults()
	for _, check := range []func() error{c.checkTop, c.checkRules} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) defaults() {
	setStr := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	setStr(&c.WebhookPath, DefaultWebhookPath)
	setStr(&c.EventsPath, DefaultEventsPath)
	setStr(&c.Patch, PatchBot)
	setStr(&c.Tokens, TokensREST)
	// A zero the file wrote out is checked, not replaced: "caps: {global: 0}" is an error.
	if c.MaxBodyBytes == 0 && !c.has("max_body_bytes") {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.SignatureWindow == 0 && !c.has("signature_window") {
		c.SignatureWindow = DefaultSignatureWindow
	}
	if c.Caps.Global == 0 && !c.has("caps.global") {
		c.Caps.Global = DefaultGlobalCap
	}
	if c.Caps.QueueTimeout == 0 && !c.has("caps.queue_timeout") {
		c.Caps.QueueTimeout = DefaultQueueTimeout
	}
	if c.MaxCallDuration == 0 && !c.has("max_call_duration") {
		c.MaxCallDuration = DefaultMaxCallDuration
	}
	if c.Room.NumEndpoints == 0 && !c.has("room.num_endpoints") {
		c.Room.NumEndpoints = DefaultNumEndpoints
	}
	if c.Room.Exp == 0 && !c.has("room.exp") {
		c.Room.Exp = DefaultRoomExp
	}
	if c.Default != nil && c.Default.Name == "" {
		c.Default.Name = "default"
	}
}

// has reports whether the file set field (so that an explicit 0 is not taken for unset).
func (c *Config) has(field string) bool {
	_, ok := c.lines[field]
	return ok
}

func (c *Config) checkTop() error {
	for field, p := range map[string]string{"webhook_path": c.WebhookPath, "events_path": c.EventsPath} {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " ?#") {
			return c.errf(field, "must be a path starting with / (got %q)", p)
		}
		for _, r := range reservedPaths {
			if p == r {
				return c.errf(field, "%s is serve's own endpoint; pick another path", p)
			}
		}
	}
	if c.WebhookPath == c.EventsPath {
		return c.errf("events_path", "must differ from webhook_path (both are %s)", c.WebhookPath)
	}
	if c.Patch != PatchBot && c.Patch != PatchServe {
		return c.errf("patch", "must be %q or %q (got %q)", PatchBot, PatchServe, c.Patch)
	}
	if c.Tokens != TokensREST && c.Tokens != TokensLocal {
		return c.errf("tokens", "must be %q or %q (got %q)", TokensREST, TokensLocal, c.Tokens)
	}
	if c.MaxBodyBytes < 1024 || c.MaxBodyBytes > 10<<20 {
		return c.errf("max_body_bytes", "must be between 1024 and 10485760 (got %d)", c.MaxBodyBytes)
	}
	if err := c.between("signature_window", c.SignatureWindow, 10*time.Second, time.Hour); err != nil {
		return err
	}
	if c.Caps.Global < 1 {
		return c.errf("caps.global", "must be at least 1 (got %d)", c.Caps.Global)
	}
	if err := c.between("caps.queue_timeout", c.Caps.QueueTimeout, 0, 10*time.Minute); err != nil {
		return err
	}
	if err := c.between("max_call_duration", c.MaxCallDuration, time.Second, 7*24*time.Hour); err != nil {
		return err
	}
	if err := c.checkRoom("room", c.Room); err != nil {
		return err
	}
	return c.checkTopPool()
}

func (c *Config) between(field string, d, lo, hi time.Duration) error {
	if d < lo || d > hi {
		return c.errf(field, "must be between %s and %s (got %s)", short(lo), short(hi), short(d))
	}
	return nil
}

// short prints a duration without zero units: 5m rather than 5m0s.
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func (c *Config) checkRoom(field string, r rules.Room) error {
	if (r.NumEndpoints != 0 || c.has(field+".num_endpoints")) && (r.NumEndpoints < 1 || r.NumEndpoints > 5) {
		return c.errf(field+".num_endpoints", "must be between 1 and 5, Daily's sessions per room (got %d)", r.NumEndpoints)
	}
	if r.Exp != 0 || c.has(field+".exp") {
		if err := c.between(field+".exp", r.Exp, time.Minute, 364*24*time.Hour); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) checkRules() error {
	if len(c.Rules) == 0 && c.Default == nil {
		return c.errf("rules", "no rules and no default: every call would be refused; give a default bot")
	}
	seen := map[string]int{}
	for i := range c.Rules {
		r := &c.Rules[i]
		field := fmt.Sprintf("rules[%d]", i)
		if !ruleName.MatchString(r.Name) {
			return c.errf(field+".name", "required: letters, digits, . _ - (at most 64), got %q", r.Name)
		}
		if j, dup := seen[r.Name]; dup {
			return c.errf(field+".name", "%q is also the name of rules[%d]", r.Name, j)
		}
		seen[r.Name] = i
		if err := c.checkMatch(field+".match", r.Match); err != nil {
			return err
		}
		if err := c.checkRule(field, r); err != nil {
			return err
		}
	}
	if d := c.Default; d != nil {
		if !d.Match.Empty() {
			return c.errf("default.match", "the default takes every call no rule matched; it has no match")
		}
		if _, dup := seen[d.Name]; dup || !ruleName.MatchString(d.Name) {
			return c.errf("default.name", "must be a unique rule name (got %q)", d.Name)
		}
		return c.checkRule("default", d)
	}
	return nil
}

func (c *Config) checkMatch(field string, m rules.Matcher) error {
	if m.Empty() {
		return c.errf(field, "required: at least one of to, from, sip_headers (a rule for every call is the default)")
	}
	for name, list := range map[string][]string{"to": m.To, "from": m.From} {
		for j, p := range list {
			if strings.TrimSpace(p) == "" {
				return c.errf(fmt.Sprintf("%s.%s[%d]", field, name, j), "must not be empty")
			}
		}
	}
	for k := range m.SIPHeaders {
		if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " :\r\n") {
			return c.errf(field+".sip_headers", "header name %q must be a plain SIP header name", k)
		}
	}
	return nil
}

func (c *Config) checkRule(field string, r *rules.Rule) error {
	b := r.Bot
	switch kinds := b.Kinds(); {
	case len(kinds) == 0:
		return c.errf(field+".bot", "required: cmd (a command line) or url (a bot runner), or pipecat, pipecat_cloud or forward")
	case len(kinds) > 1:
		return c.errf(field+".bot", "give %s, not both", strings.Join(kinds, " or "))
	case b.Pipecat != nil || b.Forward != "":
		if err := c.checkSelfRoomBot(field, b); err != nil {
			return err
		}
	case b.Cmd != "":
		if _, err := launch.ParseTemplate(b.Cmd); err != nil {
			return c.errf(field+".bot.cmd", "%v", err)
		}
		if b.Timeout != 0 {
			return c.errf(field+".bot.timeout", "applies to url bots only")
		}
	default:
		u, err := url.Parse(b.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c.errf(field+".bot.url", "must be an absolute http or https URL (got %q)", b.URL)
		}
		if err := c.between(field+".bot.timeout", b.Timeout, 0, 2*time.Minute); err != nil {
			return err
		}
	}
	if r.Cap < 0 || r.Cap > c.Caps.Global {
		return c.errf(field+".cap", "must be between 0 (only the global cap) and caps.global %d (got %d)", c.Caps.Global, r.Cap)
	}
	if err := c.checkRoom(field+".room", r.Room); err != nil {
		return err
	}
	r.Room = r.Room.Merge(c.Room)
	return c.checkWarm(field, r)
}
