package servecmd

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// Pipecat Cloud's key and API base for pipecat_cloud bots, never a flag: the key from the
// environment or the profile (dialin auth login --pipecat-cloud), the base from the environment.
const (
	EnvPipecatCloudKey = config.EnvPipecatCloudKey
	EnvPipecatCloudAPI = "PIPECAT_CLOUD_API_URL"
)

// botFlagFields are the default bot's fields a bot flag sets (applyFlags): a problem with one
// of them is reported against the flag given.
var botFlagFields = []string{"default.bot.cmd", "default.bot.url", "default.bot.pipecat", "default.bot.pipecat.url",
	"default.bot.pipecat_cloud", "default.bot.pipecat_cloud.agent", "default.bot.forward"}

// addSelfRoomBotFlags adds the flags of bots that make their own room.
func addSelfRoomBotFlags(fl *pflag.FlagSet, o *Options) {
	fl.StringVar(&o.BotPipecat, "bot-pipecat", "", "Pipecat runner /start `URL` (python bot.py -t daily): serve POSTs Pipecat's /start body per call")
	fl.StringVar(&o.BotPipecatCloud, "bot-pipecat-cloud", "", "Pipecat Cloud `AGENT` to start per call (key in "+EnvPipecatCloudKey+" or the profile)")
	fl.StringVar(&o.BotForward, "bot-forward", "", "Pass each verified webhook with Daily's X-Pinless-* headers to this dial-in handler `URL`")
}

// flagBots lists the bot flags given, each with the bot it makes.
func (o *Options) flagBots() (names []string, bots []rules.Bot) {
	for _, b := range []struct {
		name string
		set  bool
		bot  rules.Bot
	}{
		{"--bot-cmd", o.BotCmd != "", rules.Bot{Cmd: o.BotCmd}},
		{"--bot-url", o.BotURL != "", rules.Bot{URL: o.BotURL}},
		{"--bot-pipecat", o.BotPipecat != "", rules.Bot{Pipecat: &rules.Pipecat{URL: o.BotPipecat}}},
		{"--bot-pipecat-cloud", o.BotPipecatCloud != "", rules.Bot{Pipecat: &rules.Pipecat{Agent: o.BotPipecatCloud}}},
		{"--bot-forward", o.BotForward != "", rules.Bot{Forward: o.BotForward}},
	} {
		if b.set {
			names, bots = append(names, b.name), append(bots, b.bot)
		}
	}
	return names, bots
}

// pipecatCloudDeps reads Pipecat Cloud's key (PIPECAT_CLOUD_API_KEY, else the profile's) and
// API base; the key is returned to be kept out of logs.
func pipecatCloudDeps(o *Options, dcfg *config.Config, d *serve.Deps) string {
	d.PipecatCloudKey, _ = dcfg.PipecatCloudKey()
	if k := o.Getenv(EnvPipecatCloudKey); k != "" {
		d.PipecatCloudKey = k // o.Getenv is the command's environment (tests set it there)
	}
	d.PipecatCloudAPI = o.Getenv(EnvPipecatCloudAPI)
	return d.PipecatCloudKey
}

// checkPipecatCloudKey reports pipecat_cloud bots without Pipecat Cloud's key in the
// environment: serve could start none of their calls.
func checkPipecatCloudKey(o *Options, cfg *serveconfig.Config) error {
	if cfg == nil || o.Getenv(EnvPipecatCloudKey) != "" {
		return nil
	}
	var names []string
	for _, r := range cfg.AllRules() {
		if r.Bot.Pipecat != nil && r.Bot.Pipecat.Agent != "" {
			names = append(names, r.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return cmdutil.FlagErrorf("%s: not set; the pipecat_cloud bot of %s %s needs Pipecat Cloud's public key (pk_…) in the environment",
		EnvPipecatCloudKey, plural(len(names), "rule"), strings.Join(names, ", "))
}
