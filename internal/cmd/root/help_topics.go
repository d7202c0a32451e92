package root

import (
	"fmt"

	"github.com/spf13/cobra"
)

type helpTopic struct {
	name, short, long string
}

// helpTopics are `dialin help <topic>` pages. They are commands with no Run, so they never
// show up as commands in `dialin --help`.
var helpTopics = []helpTopic{
	{
		name:  "exit-codes",
		short: "Exit codes of dialin",
		long: `dialin exits with:

  0    success (an empty list is a success too)
  1    failure: an API error, a network error, anything unexpected; for routes explain,
       the call reaches no route (or serve's rules refuse it), as grep exits 1
  2    changes present: only with --detailed-exitcode (routes plan)
  4    authentication: no API key configured, or Daily refused it
       (401 authentication-error, 400 authorization-header-error, 403)
  64   usage: unknown command or flag, wrong arguments, bad input, or a change refused
       without --yes when not running interactively; always before any request is sent
  130  interrupted: Ctrl-C (or SIGTERM, SIGHUP), or "no" at a confirmation prompt, which
       prints "Cancelled; nothing was changed." (a script never meets a prompt: it needs --yes)
`,
	},
	{
		name:  "environment",
		short: "Environment variables dialin reads",
		long: `DAILY_API_KEY       Daily API key. Used instead of the key stored by "dialin auth login"
                    (for CI). Never printed, logged or passed to child processes.
DAILY_API_URL       Root of Daily's REST API (default https://api.daily.co/v1). Point it at
                    "dialin emulator" to work offline. http is accepted only for localhost.
DIALIN_PROFILE      Profile to use when --profile is not given.
DIALIN_CONFIG_DIR   Directory of config.yaml and credentials.yaml. Default
                    $XDG_CONFIG_HOME/dialin, else ~/.config/dialin.
DIALIN_STATE_DIR    Directory of route backups, the routes lock file and "dialin dev"
                    journals. Default $XDG_STATE_HOME/dialin, else ~/.local/state/dialin.
DIALIN_ROUTES_API   pinless (default) or configs: which Daily API "dialin routes" uses.
DIALIN_DEBUG        "api": log every HTTP request and response on stderr (keys, secrets and
                    tokens redacted). "1": debug log on stderr.
DIALIN_FORCE_TTY    Treat stdout as a terminal ("1"), or name the streams to treat as
                    terminals ("stdin,stdout,stderr"). For tests and CI logs.
DIALIN_WEBHOOK_SECRET  serve, simulate, webhook: the base64 secret that signs the dial-in
                    webhook, instead of each route's hmac read from Daily.
DIALIN_EVENTS_SECRET   serve: the base64 secret of Daily's /webhooks events, instead of the
                    webhook subscription's hmac read from Daily.
DIALIN_REDIS_PASSWORD  serve --state redis://…: the Redis password (else REDIS_PASSWORD);
                    never in the URL, so it stays out of argv and logs.
DIALIN_ADMIN_TOKEN  serve: a bearer token that lets clients other than loopback use the
                    admin listener (--admin-addr); calls: sent to it when set.
DIALIN_SERVE_ADMIN_URL  calls list/show/tail/replay: serve's admin URL when --serve is not
                    given (serve --ready-file writes it).
DIALIN_HMAC_…       routes files: the ${…} variables "dialin routes export" names hold
                    each route's hmac secret.
NGROK_AUTHTOKEN     dev: the ngrok authtoken for --tunnel ngrok (the default tunnel when
                    set); given to the embedded agent only, never printed.
DIALIN_SEED_RUNNER  bench: path of the Python bot runner it compares with (seed_bot_runner.py).
NO_COLOR            Any non-empty value turns colour off.
CLICOLOR_FORCE      Non-empty and not "0": colour even when piped (NO_COLOR still wins).

Bots that serve starts get DIALIN_ROOM_URL, DIALIN_TOKEN, DIALIN_CALL_ID,
DIALIN_CALL_DOMAIN, DIALIN_SIP_URI, DIALIN_FROM, DIALIN_TO, DIALIN_SIP_HEADERS (JSON) and
DIALIN_PATCH, plus DAILY_API_URL, and DAILY_API_KEY only when the bot patches the call.

Settings resolve flag > environment > config.yaml (profile) > default.
`,
	},
	{
		name:  "formatting",
		short: "Output formats: tables, TSV, --json, --jq, -q",
		long: `stdout carries data and only data; messages, prompts, progress and errors go to stderr.

On a terminal, lists are tables with a header. When stdout is piped, the same lists are
tab-separated values without a header, one row per line, raw values (E.164 numbers,
RFC 3339 times), so "cut -f1" and "while read" work.

--json prints the data as indented JSON with Daily's field names. An empty list is [], never
null. This shape is a contract: fields are added, never renamed or removed.

--jq EXPR filters the JSON with a jq expression (gojq) and implies --json. Strings print
raw, other values as one-line JSON. A bad expression fails with exit code 64 before any
request. Example: dialin numbers list --jq '.[].number'

-q/--quiet prints only IDs (numbers, room names), one per line, and silences messages and
progress on stderr.

With --json or --jq, an error is printed on stderr as one JSON object:
{"error":{"code":"authentication-error","status":401,"message":"...","exit_code":4}}

Colour is used only on a terminal, never when NO_COLOR is set or TERM=dumb.
`,
	},
}

func newHelpTopic(t helpTopic) *cobra.Command {
	cmd := &cobra.Command{
		Use:    t.name,
		Short:  t.short,
		Long:   t.long,
		Hidden: true,
		Annotations: map[string]string{
			"helpTopic": "true",
		},
	}
	cmd.SetHelpFunc(func(c *cobra.Command, _ []string) {
		fmt.Fprint(c.OutOrStdout(), c.Long)
	})
	cmd.SetUsageFunc(func(c *cobra.Command) error {
		fmt.Fprintf(c.OutOrStderr(), "Usage: dialin help %s\n", c.Name())
		return nil
	})
	return cmd
}
