package config

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// A rule's bot is read, checked and checked for its program here, and only here: a new
// kind of bot adds its key to botFields, a case to parser.bot and one to checkBot.

// botFields are the keys of a rule's bot: mapping. cmd and url choose the kind.
var botFields = []string{"cmd", "url", "timeout", "warm", "warm_start_timeout", "warm_accept_timeout"}

// maxBotURLTimeout bounds how long serve waits for a bot runner to take a call.
const maxBotURLTimeout = 2 * time.Minute

func (p *parser) bot(field string, n *yaml.Node, b *rules.Bot) {
	p.fields(n, field, botFields, func(key, f string, v *yaml.Node) {
		switch key {
		case "cmd":
			p.str(f, v, &b.Cmd)
		case "url":
			p.str(f, v, &b.URL)
		case "timeout":
			p.duration(f, v, &b.Timeout)
		case "warm":
			p.int(f, v, &b.Warm)
		case "warm_start_timeout":
			p.duration(f, v, &b.WarmStartTimeout)
		case "warm_accept_timeout":
			p.duration(f, v, &b.WarmAcceptTimeout)
		}
	})
}

// checkBot checks the bot of r at field (rules[0].bot, default.bot): one kind, and the
// settings of that kind.
func (c *Config) checkBot(field string, r *rules.Rule) {
	b := r.Bot
	switch {
	case b.Cmd == "" && b.URL == "":
		c.errf(field, "required: cmd (a command line) or url (a bot runner)")
	case b.Cmd != "" && b.URL != "":
		c.errf(field, "give cmd or url, not both")
	case b.Cmd != "":
		if _, err := launch.ParseTemplate(b.Cmd); err != nil {
			c.errf(field+".cmd", "%v", err)
		} else if b.Warm > 0 {
			if err := CheckWarmCommand(b.Cmd); err != nil && c.flags[field+".warm"] != "" {
				c.errf(field+".warm", "rule %s: %v", r.Name, err) // reported against the flag
			} else if err != nil {
				c.errf(field+".cmd", "%v", err)
			}
		}
		if b.Timeout != 0 {
			c.errf(field+".timeout", "applies to url bots only")
		}
		c.checkWarmBot(field, b)
	default:
		u, err := url.Parse(b.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			c.errf(field+".url", "must be an absolute http or https URL (got %q)", launch.RedactURL(b.URL))
		}
		c.between(field+".timeout", b.Timeout, 0, maxBotURLTimeout)
		for _, set := range []struct {
			name string
			on   bool
		}{{"warm", b.Warm != 0}, {"warm_start_timeout", b.WarmStartTimeout != 0}, {"warm_accept_timeout", b.WarmAcceptTimeout != 0}} {
			if set.on {
				c.errf(field+"."+set.name, "applies to cmd bots only (a bot runner keeps its own bots warm)")
			}
		}
	}
}

// checkWarmBot checks a cmd bot's warm settings.
func (c *Config) checkWarmBot(field string, b rules.Bot) {
	if b.Warm < 0 || b.Warm > MaxWarmBots {
		c.errf(field+".warm", "must be between 0 (a bot per call) and %d (got %d)", MaxWarmBots, b.Warm)
	}
	if b.WarmStartTimeout != 0 {
		c.between(field+".warm_start_timeout", b.WarmStartTimeout, minWarmStartTimeout, maxWarmStartTimeout)
	}
	if b.WarmAcceptTimeout != 0 {
		c.between(field+".warm_accept_timeout", b.WarmAcceptTimeout, minWarmAcceptTimeout, maxWarmAcceptTimeout)
	}
}

// CheckPrograms finds every cmd bot's program as serve will start it (dir is the bots'
// working directory, "" for serve's own) and returns a problem, with its file:line, for each
// that is missing or not executable. Normalize does not look: a configuration can be
// checked on a machine other than the one that runs the bots.
func (c *Config) CheckPrograms(dir string) error {
	var errs []*Error
	for i, r := range c.AllRules() {
		if r.Bot.Cmd == "" {
			continue
		}
		t, err := launch.ParseTemplate(r.Bot.Cmd)
		if err != nil {
			continue // Normalize reports it
		}
		if _, err := launch.FindProgram(t.Program(), dir); err != nil {
			field := "default.bot.cmd"
			if i < len(c.Rules) {
				field = fmt.Sprintf("rules[%d].bot.cmd", i)
			}
			e := &Error{File: c.File, Line: c.line(field), Field: field, Msg: err.Error()}
			if flag, ok := c.flags[field]; ok {
				e = &Error{Field: flag, Msg: err.Error()}
			}
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return Errors(errs)
	}
	return nil
}

// AsErrors returns err's problems as Errors when it is one *Error or Errors, else nil.
func AsErrors(err error) Errors {
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	var e *Error
	if errors.As(err, &e) {
		return Errors{e}
	}
	return nil
}
