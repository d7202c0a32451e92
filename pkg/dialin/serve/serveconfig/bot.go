package serveconfig

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/internal/yamlnode"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// A rule's bot is read, checked and checked for its program here, and only here: a new
// kind of bot adds its key to botFields, a case to parser.bot and one to checkBot.

// botFields are the keys of a rule's bot: mapping. cmd, url, pipecat, pipecat_cloud and
// forward choose the kind.
var botFields = []string{"cmd", "url", "timeout", "warm", "warm_start_timeout", "warm_accept_timeout", "pipecat", "pipecat_cloud", "forward"}

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
			p.autoOrInt(f, v, &b.WarmAuto, &b.Warm)
		case "warm_start_timeout":
			p.duration(f, v, &b.WarmStartTimeout)
		case "warm_accept_timeout":
			p.duration(f, v, &b.WarmAcceptTimeout)
		case "pipecat", "pipecat_cloud":
			p.pipecat(f, key, v, b)
		case "forward":
			p.str(f, v, &b.Forward)
		}
	})
}

// checkBot checks the bot of r at field (rules[0].bot, default.bot): one kind, and the
// settings of that kind.
func (c *Config) checkBot(field string, r *rules.Rule) {
	b := r.Bot
	switch kinds := b.Kinds(); {
	case len(kinds) == 0:
		c.errf(field, "required: cmd (a command line) or url (a bot runner), or pipecat, pipecat_cloud or forward")
	case len(kinds) > 1:
		c.errf(field, "give %s, not both", strings.Join(kinds, " or "))
	case b.Pipecat != nil || b.Forward != "":
		c.checkSelfRoomBot(field, b)
	case b.Cmd != "":
		explicit := c.has(field + ".warm")
		if _, err := launch.ParseTemplate(b.Cmd); err != nil {
			c.errf(field+".cmd", "%v", err)
		} else if !explicit {
			// By default a command that reads its call from stdin is tried as a warm bot
			// (sized by the call rate); one with placeholders needs its call to start.
			r.Bot.WarmAuto = CheckWarmCommand(b.Cmd) == nil
		} else if b.Warm > 0 || b.WarmAuto {
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
		}{{"warm", b.Warm != 0 || b.WarmAuto}, {"warm_start_timeout", b.WarmStartTimeout != 0}, {"warm_accept_timeout", b.WarmAcceptTimeout != 0}} {
			if set.on {
				c.errf(field+"."+set.name, "applies to cmd bots only (a bot runner keeps its own bots warm)")
			}
		}
	}
}

// checkWarmBot checks a cmd bot's warm settings.
func (c *Config) checkWarmBot(field string, b rules.Bot) {
	if b.Warm < 0 || b.Warm > MaxWarmBots {
		c.errf(field+".warm", "must be auto, or between 0 (a bot per call) and %d (got %d)", MaxWarmBots, b.Warm)
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

// pipecat reads bot.pipecat {url, body, include_daily_key, codecs} (Pipecat's runner) or
// bot.pipecat_cloud {agent, body, include_daily_key, codecs} (a Pipecat Cloud agent).
func (p *parser) pipecat(field, key string, v *yaml.Node, b *rules.Bot) {
	if b.Pipecat != nil {
		p.bad(v.Line, field, "give pipecat or pipecat_cloud, not both")
		return
	}
	pc := &rules.Pipecat{}
	b.Pipecat = pc
	target := "url"
	if key == "pipecat_cloud" {
		target = "agent"
	}
	p.fields(v, field, []string{target, "body", "include_daily_key", "codecs"}, func(k, f string, v *yaml.Node) {
		switch k {
		case "url":
			p.str(f, v, &pc.URL)
		case "agent":
			p.str(f, v, &pc.Agent)
		case "codecs":
			p.strList(f, v, &pc.Codecs)
		case "include_daily_key":
			include := true
			if p.bool(f, v, &include) {
				pc.OmitDailyKey = !include
			}
		default:
			if v.Kind != yaml.MappingNode {
				p.bad(v.Line, f, "must be a mapping (merged into the bot's body), got %s", yamlnode.KindName(v))
			} else if err := v.Decode(&pc.Body); err != nil {
				p.bad(v.Line, f, "%v", err)
			}
		}
	})
}

// checkSelfRoomBot checks a bot that makes its own room: pipecat (Pipecat's runner),
// pipecat_cloud (an agent) or forward (an existing dial-in handler). Their URLs carry keys
// or Daily's signed webhook, so plain http is allowed to a loopback host only.
func (c *Config) checkSelfRoomBot(field string, b rules.Bot) {
	for _, set := range []struct {
		name string
		on   bool
	}{{"warm", b.Warm != 0 || b.WarmAuto}, {"warm_start_timeout", b.WarmStartTimeout != 0}, {"warm_accept_timeout", b.WarmAcceptTimeout != 0}} {
		if set.on {
			c.errf(field+"."+set.name, "applies to cmd bots only (pipecat, pipecat_cloud and forward bots are started per call)")
		}
	}
	c.between(field+".timeout", b.Timeout, 0, maxBotURLTimeout)
	if b.Forward != "" {
		if _, err := launch.NewForward(launch.ForwardConfig{URL: b.Forward}); err != nil {
			c.errf(field+".forward", "%v", err)
		}
		return
	}
	p := b.Pipecat
	f, startURL := field+".pipecat", p.URL
	// pipecat_cloud: {} has no agent yet; it is still a Pipecat Cloud bot.
	if p.Agent != "" || (c.has(field+".pipecat_cloud") && !c.has(field+".pipecat")) {
		f = field + ".pipecat_cloud"
		if p.Agent == "" {
			c.errf(f+".agent", "required: the Pipecat Cloud agent's name")
			return
		}
		u, err := launch.PipecatCloudStartURL("", p.Agent)
		if err != nil {
			c.errf(f+".agent", "%v", err)
			return
		}
		startURL = u
	} else if p.URL == "" {
		c.errf(f+".url", "required: Pipecat's /start URL, e.g. http://127.0.0.1:7860/start")
		return
	}
	// The Daily key and URL are serve's own; placeholders pass the URL and body checks here.
	if _, err := launch.NewPipecat(launch.PipecatConfig{URL: startURL, DailyAPIKey: "-", DailyAPIURL: "-", Body: p.Body}); err != nil {
		c.errf(f, "%v", err)
	}
}
