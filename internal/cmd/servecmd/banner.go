package servecmd

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// notifier says what serve does: plain lines on stderr with --log-format text, log records
// with JSON (a log collector then sees only JSON).
type notifier struct {
	o   *Options
	b   *DepsBuild
	log *slog.Logger
	// interrupts receives on a second SIGINT/SIGTERM; dropped names the calls a shutdown
	// that gave up refused.
	interrupts <-chan struct{}
	dropped    *droppedCalls
}

func (n *notifier) plain() bool { return n.b.Format == LogText }

func (n *notifier) info(text, msg string, attrs ...any) {
	if n.plain() {
		fmt.Fprintln(n.o.IO.ErrOut, text)
		return
	}
	n.log.Info(msg, attrs...)
}

func (n *notifier) warn(text, msg string, attrs ...any) {
	if n.plain() {
		cs := output.NewErrColorScheme(n.o.IO)
		fmt.Fprintln(n.o.IO.ErrOut, cs.WarningIcon()+" "+text)
		return
	}
	n.log.Warn(msg, attrs...)
}

// banner prints where serve listens, its paths, where its secrets come from (never their
// values) and the bot of each rule.
func (n *notifier) banner(base, metricsURL string, srv *serve.Server) {
	cfg := srv.Config()
	webhookFrom, eventsFrom := secretSources(n.b)
	if n.o.InsecureSkipVerify {
		n.insecureWarning(base + cfg.WebhookPath)
	}
	if !n.plain() {
		n.log.Info("serve listening", "url", base, "webhook_url", base+cfg.WebhookPath, "events_url", base+cfg.EventsPath,
			"metrics_url", metricsURL, "webhook_secret", webhookFrom, "events_secret", eventsFrom,
			"patch", cfg.Patch, "tokens", cfg.Tokens, "cap", cfg.Caps.Global, "queue_timeout", cfg.Caps.QueueTimeout.String(),
			"max_call_duration", cfg.MaxCallDuration.String(), "daily_api", n.b.Deps.Client.BaseURL())
		for _, r := range cfg.AllRules() {
			kind, bot := describeBot(r.Bot)
			n.log.Info("bot", "rule", r.Name, kind, bot)
		}
		for _, line := range n.b.banners {
			n.log.Info(line)
		}
		return
	}
	cs := output.NewErrColorScheme(n.o.IO)
	var sb strings.Builder
	line := func(label, format string, args ...any) {
		fmt.Fprintf(&sb, "  %-8s %s\n", label, fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(&sb, "%s dialin serve listening on %s\n", cs.SuccessIcon(), cs.Bold(base))
	line("webhook", "POST %s  (the routes' URL: dialin routes set --url https://<public host>%s)", base+cfg.WebhookPath, cfg.WebhookPath)
	line("events", "POST %s  (Daily's /webhooks: dialin.ready, .connected, .stopped)", base+cfg.EventsPath)
	line("health", "%s/healthz, %s/readyz", base, base)
	line("metrics", "%s", metricsURL)
	line("secrets", "webhook: %s", webhookFrom)
	line("", "events: %s", eventsFrom)
	for _, r := range cfg.AllRules() {
		kind, bot := describeBot(r.Bot)
		line("bot", "%s: %s (%s)", r.Name, bot, kind)
	}
	line("patch", "%s", describePatch(cfg))
	line("limits", "tokens %s, cap %d calls, queue %s, max call %s", cfg.Tokens, cfg.Caps.Global, shortDuration(cfg.Caps.QueueTimeout), shortDuration(cfg.MaxCallDuration))
	for _, l := range n.b.banners {
		line("", "%s", l)
	}
	line("daily", "%s", n.b.Deps.Client.BaseURL())
	fmt.Fprint(n.o.IO.ErrOut, sb.String())
}

func (n *notifier) insecureWarning(webhookURL string) {
	if !n.plain() {
		n.log.Error("INSECURE: webhook signatures are NOT checked (--insecure-skip-verify); anyone who can reach serve can create rooms and start bots on your Daily account",
			"webhook_url", webhookURL)
		return
	}
	cs := output.NewErrColorScheme(n.o.IO)
	for _, l := range []string{
		"WARNING: --insecure-skip-verify: webhook signatures are NOT checked.",
		"WARNING: anyone who can reach " + webhookURL + " can create rooms and start bots on your Daily account.",
		"WARNING: use it only for local experiments, never in front of a real number.",
	} {
		fmt.Fprintln(n.o.IO.ErrOut, cs.Red(cs.Bold("!!! "+l)))
	}
}

// secretSources says where the webhook and events secrets come from, never what they are.
func secretSources(b *DepsBuild) (webhookFrom, eventsFrom string) {
	webhookFrom = "every pinless_dialin route's hmac, read from Daily"
	if b.WebhookSecretFrom != "" {
		webhookFrom = b.WebhookSecretFrom
	}
	if b.Opts.InsecureSkipVerify {
		webhookFrom = "none: signatures are NOT checked (--insecure-skip-verify)"
	}
	eventsFrom = "the /webhooks subscription's hmac, read from Daily"
	if b.EventsSecretFrom != "" {
		eventsFrom = b.EventsSecretFrom
	}
	return webhookFrom, eventsFrom
}

func describeBot(bot rules.Bot) (kind, value string) {
	switch {
	case bot.Pipecat != nil && bot.Pipecat.Agent != "":
		return "pipecat_cloud", bot.Pipecat.Agent
	case bot.Pipecat != nil:
		return "pipecat", launch.RedactURL(bot.Pipecat.URL)
	case bot.Forward != "":
		return "forward", launch.RedactURL(bot.Forward)
	}
	if bot.URL != "" {
		return "url", launch.RedactURL(bot.URL) // no password, no query values
	}
	return "cmd", bot.Cmd
}

// botURLSecrets are the parts of the bots' URLs (bot runners, Pipecat's runners, forward
// handlers) that must never be logged, whatever message carries them: passwords and query
// values (an api_key=…). The logger redacts them.
func botURLSecrets(cfg *serveconfig.Config) []string {
	var out []string
	for _, r := range cfg.AllRules() {
		raws := []string{r.Bot.URL, r.Bot.Forward}
		if r.Bot.Pipecat != nil {
			raws = append(raws, r.Bot.Pipecat.URL)
		}
		for _, raw := range raws {
			u, err := url.Parse(raw)
			if raw == "" || err != nil {
				continue
			}
			if pw, ok := u.User.Password(); ok && pw != "" {
				out = append(out, pw, url.QueryEscape(pw))
			}
			for _, vs := range u.Query() {
				for _, v := range vs {
					if len(v) >= 4 { // a short value ("1", "yes") would blank out ordinary words
						out = append(out, v, url.QueryEscape(v))
					}
				}
			}
		}
	}
	return out
}

// describePatch says who patches the call, and what each kind of bot is given for it: a
// process gets DAILY_API_KEY in its environment; a bot runner (a URL) gets no key from serve.
func describePatch(cfg *serveconfig.Config) string {
	if cfg.Patch == serveconfig.PatchServe {
		return "serve (serve calls pinlessCallUpdate on dialin.ready; bots get no API key)"
	}
	cmd, runner, selfRoom := false, false, false
	for _, r := range cfg.AllRules() {
		cmd = cmd || r.Bot.Cmd != ""
		runner = runner || r.Bot.URL != ""
		selfRoom = selfRoom || r.Bot.Pipecat != nil || r.Bot.Forward != ""
	}
	switch {
	case selfRoom && !cmd && !runner:
		return "bot (a Pipecat bot patches the call with the daily_api_key of its /start body; a forward handler with its own key)"
	case cmd && runner:
		return "bot (the bot calls pinlessCallUpdate; a cmd bot gets DAILY_API_KEY in its environment, a bot runner uses its own key)"
	case runner:
		return "bot (the bot runner calls pinlessCallUpdate with its own API key; serve sends it none)"
	}
	return "bot (the bot calls pinlessCallUpdate; it gets DAILY_API_KEY in its environment)"
}
