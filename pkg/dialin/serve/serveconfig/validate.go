package serveconfig

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

var ruleName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

var reservedPaths = []string{"/healthz", "/readyz", "/metrics"}

// Normalize fills every unset setting with its default, merges the room and pool defaults
// into each rule, and checks the whole configuration once: every problem, the file's own
// (from Read) included, is returned at once as Errors. Once it succeeded, calling it again
// does nothing; the configuration must not change afterwards.
func (c *Config) Normalize() error {
	if c.normalized {
		return nil
	}
	if c.lines == nil {
		c.lines = map[string]int{}
	}
	c.checked = nil
	c.defaults()
	c.checkTop()
	c.checkRules()
	var flagged, checked []*Error
	for _, e := range c.checked {
		switch flag, byFlag := c.flags[e.Field]; {
		case c.coveredByParse(e.Field):
		case byFlag:
			// A flag that sets a field of every rule breaks the rule once, not once per rule.
			if !slices.ContainsFunc(flagged, func(f *Error) bool { return f.Field == flag && f.Msg == e.Msg }) {
				flagged = append(flagged, &Error{Field: flag, Msg: e.Msg})
			}
		default:
			checked = append(checked, e)
		}
	}
	if errs := ordered(flagged, c.parsed, checked); len(errs) > 0 {
		return errs
	}
	c.normalized = true
	return nil
}

// SetByFlag says that field's value came from a command-line flag (e.g. "caps.global" from
// "--cap"), so that a problem with it is reported against the flag rather than the file.
func (c *Config) SetByFlag(field, flag string) {
	if c.flags == nil {
		c.flags = map[string]string{}
	}
	c.flags[field] = flag
}

// coveredByParse reports whether the file already has a problem about field, a field inside
// it, or a field that holds it (a bot that was not a mapping is not also "missing").
func (c *Config) coveredByParse(field string) bool {
	within := func(inner, outer string) bool {
		return inner == outer || strings.HasPrefix(inner, outer+".") || strings.HasPrefix(inner, outer+"[")
	}
	for _, e := range c.parsed {
		if e.Field != "" && (within(field, e.Field) || within(e.Field, field)) {
			return true
		}
	}
	return false
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
	setStr(&c.Tokens, TokensAuto)
	// A zero the file wrote out is checked, not replaced: "caps: {global: 0}" is an error.
	unsetTo(c, "max_body_bytes", &c.MaxBodyBytes, DefaultMaxBodyBytes)
	unsetTo(c, "signature_window", &c.SignatureWindow, DefaultSignatureWindow)
	unsetTo(c, "caps.global", &c.Caps.Global, DefaultGlobalCap)
	unsetTo(c, "caps.queue_timeout", &c.Caps.QueueTimeout, DefaultQueueTimeout)
	unsetTo(c, "max_call_duration", &c.MaxCallDuration, DefaultMaxCallDuration)
	unsetTo(c, "daily_rate_limit", &c.DailyRateLimit, DefaultDailyRateLimit)
	unsetTo(c, "room.num_endpoints", &c.Room.NumEndpoints, DefaultNumEndpoints)
	unsetTo(c, "room.exp", &c.Room.Exp, DefaultRoomExp)
	if c.Default != nil && c.Default.Name == "" {
		c.Default.Name = "default"
	}
}

// unsetTo gives *v its default when it is zero because neither the file nor a flag set field.
func unsetTo[T comparable](c *Config, field string, v *T, def T) {
	var zero T
	if *v == zero && !c.has(field) {
		*v = def
	}
}

// has reports whether the file or a flag set field (so that an explicit 0 is not taken for
// unset).
func (c *Config) has(field string) bool {
	_, inFile := c.lines[field]
	_, byFlag := c.flags[field]
	return inFile || byFlag
}

func (c *Config) checkTop() {
	for _, f := range []struct{ field, path string }{{"webhook_path", c.WebhookPath}, {"events_path", c.EventsPath}} {
		if !strings.HasPrefix(f.path, "/") || strings.ContainsAny(f.path, " ?#") {
			c.errf(f.field, "must be a path starting with / (got %q)", f.path)
		} else if slices.Contains(reservedPaths, f.path) {
			c.errf(f.field, "%s is serve's own endpoint; pick another path", f.path)
		}
	}
	if c.WebhookPath == c.EventsPath {
		c.errf("events_path", "must differ from webhook_path (both are %s)", c.WebhookPath)
	}
	for _, f := range []struct {
		field, v string
		words    Choice
	}{{"patch", c.Patch, PatchChoice}, {"tokens", c.Tokens, TokensChoice}} {
		if msg := f.words.Violation(f.v, false); msg != "" {
			c.errf(f.field, "%s", msg)
		}
	}
	if c.DailyRateLimit <= 0 || c.DailyRateLimit > MaxDailyRateLimit {
		c.errf("daily_rate_limit", "must be above 0 and at most %d requests per second (got %g)", MaxDailyRateLimit, c.DailyRateLimit)
	}
	if c.MaxBodyBytes < 1024 || c.MaxBodyBytes > 10<<20 {
		c.errf("max_body_bytes", "must be between 1024 and 10485760 (got %d)", c.MaxBodyBytes)
	}
	c.between("signature_window", c.SignatureWindow, 10*time.Second, time.Hour)
	if c.Caps.Global < 1 {
		c.errf("caps.global", "must be at least 1 (got %d)", c.Caps.Global)
	}
	c.between("caps.queue_timeout", c.Caps.QueueTimeout, QueueTimeoutRange.Lo, QueueTimeoutRange.Hi)
	c.between("max_call_duration", c.MaxCallDuration, MaxCallDurationRange.Lo, MaxCallDurationRange.Hi)
	c.checkRoom("room", c.Room)
	c.checkTopPool()
}

// errf records a problem with field, with its line when the config came from a file.
func (c *Config) errf(field, format string, args ...any) {
	c.checked = append(c.checked, &Error{File: c.File, Line: c.line(field), Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (c *Config) between(field string, d, lo, hi time.Duration) {
	if msg := (DurationRange{Lo: lo, Hi: hi}).Violation(d, false); msg != "" {
		c.errf(field, "%s", msg)
	}
}

func (c *Config) checkRoom(field string, r rules.Room) {
	if (r.NumEndpoints != 0 || c.has(field+".num_endpoints")) && (r.NumEndpoints < 1 || r.NumEndpoints > 5) {
		c.errf(field+".num_endpoints", "must be between 1 and 5, Daily's sessions per room (got %d)", r.NumEndpoints)
	}
	if r.Exp != 0 || c.has(field+".exp") {
		c.between(field+".exp", r.Exp, time.Minute, 364*24*time.Hour)
	}
}

func (c *Config) checkRules() {
	if len(c.Rules) == 0 && c.Default == nil {
		c.errf("rules", "no rules and no default: every call would be refused; give a default bot")
	}
	seen := map[string]int{}
	for i := range c.Rules {
		r := &c.Rules[i]
		field := fmt.Sprintf("rules[%d]", i)
		if !ruleName.MatchString(r.Name) {
			c.errf(field+".name", "required: letters, digits, . _ - (at most 64), got %q", r.Name)
		} else if j, dup := seen[r.Name]; dup {
			c.errf(field+".name", "%q is also the name of rules[%d]", r.Name, j)
		} else {
			seen[r.Name] = i
		}
		c.checkMatch(field+".match", r.Match)
		c.checkRule(field, r)
	}
	if d := c.Default; d != nil {
		if !d.Match.Empty() {
			c.errf("default.match", "the default takes every call no rule matched; it has no match")
		}
		if _, dup := seen[d.Name]; dup || !ruleName.MatchString(d.Name) {
			c.errf("default.name", "must be a unique rule name (got %q)", d.Name)
		}
		c.checkRule("default", d)
	}
}

func (c *Config) checkMatch(field string, m rules.Matcher) {
	if m.Empty() {
		c.errf(field, "required: at least one of to, from, sip_headers (a rule for every call is the default)")
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"to", m.To}, {"from", m.From}} {
		for j, p := range f.list {
			if strings.TrimSpace(p) == "" {
				c.errf(fmt.Sprintf("%s.%s[%d]", field, f.name, j), "must not be empty")
			}
		}
	}
	names := slices.Sorted(maps.Keys(m.SIPHeaders))
	for _, k := range names {
		if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " :\r\n") {
			c.errf(field+".sip_headers", "header name %q must be a plain SIP header name", k)
		}
	}
}

func (c *Config) checkRule(field string, r *rules.Rule) {
	c.checkBot(field+".bot", r)
	// Against a caps.global that is itself wrong, a rule's cap has nothing to be checked by.
	if r.Cap < 0 || (r.Cap > c.Caps.Global && c.Caps.Global >= 1) {
		c.errf(field+".cap", "must be between 0 (only the global cap) and caps.global %d (got %d)", c.Caps.Global, r.Cap)
	}
	c.checkRoom(field+".room", r.Room)
	r.Room = r.Room.Merge(c.Room)
	c.checkRulePool(field, r)
}
