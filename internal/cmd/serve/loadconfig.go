package serve

import (
	"errors"
	"os"

	"github.com/dialin-project/dialin/internal/cmdutil"
	servecfg "github.com/dialin-project/dialin/pkg/dialin/serve/config"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// flagFields maps the config fields that flags override to those flags, so that a rule a
// flag's value breaks is reported against the flag rather than the file.
var flagFields = map[string]string{
	"patch":              "patch",
	"tokens":             "tokens",
	"caps.global":        "cap",
	"caps.queue_timeout": "queue-timeout",
	"max_call_duration":  "max-call-duration",
	"default.bot.cmd":    "bot-cmd",
	"default.bot.url":    "bot-url",
}

// loadConfig reads --config (if any), applies the flags over it (flags win), and checks the
// result. Every problem is a usage error: nothing has been requested yet.
func loadConfig(o *Options) (*servecfg.Config, error) {
	cfg := &servecfg.Config{}
	if o.ConfigFile != "" {
		loaded, err := servecfg.Load(o.ConfigFile)
		if err != nil {
			var ce *servecfg.Error
			if errors.As(err, &ce) {
				return nil, cmdutil.FlagErrorWrap(err) // file:line: field: rule
			}
			var pe *os.PathError
			if errors.As(err, &pe) {
				return nil, cmdutil.FlagErrorf("--config: %v", pe.Err)
			}
			return nil, cmdutil.FlagErrorf("--config: %v", err)
		}
		cfg = loaded
	}
	if names, bots := o.flagBots(); len(bots) == 1 {
		if cfg.Default != nil {
			return nil, cmdutil.FlagErrorf("%s: %s already has a default bot; remove one of them", names[0], o.ConfigFile)
		}
		cfg.Default = &rules.Rule{Name: "default", Bot: bots[0]}
	}
	if o.Changed("patch") {
		cfg.Patch = o.Patch
	}
	if o.Changed("tokens") {
		cfg.Tokens = o.Tokens
	}
	if o.Changed("cap") {
		cfg.Caps.Global = o.Cap
	}
	if o.Changed("queue-timeout") {
		cfg.Caps.QueueTimeout = o.QueueTimeout
	}
	if o.Changed("max-call-duration") {
		cfg.MaxCallDuration = o.MaxCallDuration
	}
	if err := cfg.Normalize(); err != nil {
		var ce *servecfg.Error
		if errors.As(err, &ce) {
			if flag, ok := flagFields[ce.Field]; ok && o.Changed(flag) {
				return nil, cmdutil.FlagErrorf("--%s: %s", flag, ce.Msg)
			}
		}
		return nil, cmdutil.FlagErrorWrap(err)
	}
	return cfg, nil
}
