// Package doctor implements `dialin doctor`: without placing a call, it checks everything
// that makes a number ring a bot (the key, the number, its route, the webhook answering,
// hold music, the timeout message, the events subscription serve needs) and prints one line
// per check with the fix. It exits 1 when any check fails.
package doctor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
	"github.com/dialin-project/dialin/pkg/dialin/serve/admin"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// AnswerWithin is how fast a webhook must answer Daily's verification body.
const AnswerWithin = 2 * time.Second

// Options are the inputs of `dialin doctor`.
type Options struct {
	IO          *iostreams.IOStreams
	DailyClient func() (*daily.Client, error)
	Exporter    cmdutil.Exporter

	Number string // E.164, or "" for every routed number
	Serve  string // serve's base URL, or ""
	Patch  string // bot or serve: what serve does, for the events check
	Admin  string // serve's admin listener's base URL, or "": for the hmac check

	// AdminToken is DIALIN_ADMIN_TOKEN, sent when set (an admin listener off loopback).
	AdminToken string

	// httpClient reaches webhooks, hold music and serve; tests give one that trusts their
	// TLS servers. nil: a default client.
	httpClient *http.Client
}

// NewCmdDoctor builds `doctor`; runF replaces the run function in tests.
func NewCmdDoctor(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, DailyClient: f.DailyClient, AdminToken: os.Getenv(admin.TokenEnv)}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check, without a call, everything that makes a number ring a bot",
		Long: "Check, without placing a call, what a call needs, one line per check, ✓ or ✗ with the\n" +
			"fix: the API key is valid; the number is owned and routed; the route's webhook answers\n" +
			"Daily's verification body with a 2xx within 2 s (signed with the route's hmac, as Daily\n" +
			"does); the hold music is an https MP3 under 10 MB (HEAD); a timeout message is set;\n" +
			"with --patch serve, a /webhooks subscription sends dialin.ready to serve; with --serve,\n" +
			"serve answers /readyz; with --admin (serve's admin listener), serve verifies with the\n" +
			"route's hmac (compared by fingerprint: no secret leaves either side). Without --number,\n" +
			"every routed number is checked. Exit code 1 when any check fails.",
		Example: "  dialin doctor --number +14155550100\n" +
			"  dialin doctor --number +14155550100 --patch serve --serve https://bots.example.com --admin http://127.0.0.1:7861\n" +
			"  dialin doctor --json --jq '.[] | select(.status == \"fail\")'",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.check(c); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return doctorRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Number, "number", "", "Check this `NUMBER` (E.164); default: every routed number")
	fl.StringVar(&opts.Serve, "serve", "", "serve's base `URL` (as Daily reaches it): check /readyz, and that events go there")
	fl.StringVar(&opts.Admin, "admin", "", "serve's admin listener `URL`: check that serve verifies with the route's hmac (sends $"+admin.TokenEnv+" when set)")
	fl.StringVar(&opts.Patch, "patch", serveconfig.PatchBot, "What serve does: bot, or serve (then the events subscription is checked)")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	_ = cmd.RegisterFlagCompletionFunc("patch", cobra.FixedCompletions([]string{serveconfig.PatchBot, serveconfig.PatchServe}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *Options) check(c *cobra.Command) error {
	if c.Flags().Changed("number") {
		n, err := phone.Normalize(o.Number, "")
		if err != nil {
			return cmdutil.FlagErrorf("--number: %v", err)
		}
		o.Number = n
	}
	if o.Serve != "" {
		if why := routes.CheckWebhookURL(o.Serve, true); why != "" {
			return cmdutil.FlagErrorf("--serve: %s", why)
		}
		o.Serve = strings.TrimRight(o.Serve, "/")
	}
	if o.Admin != "" {
		u, err := url.Parse(o.Admin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cmdutil.FlagErrorf("--admin: an http(s) URL such as http://%s", admin.DefaultAddr)
		}
		o.Admin = strings.TrimRight(o.Admin, "/")
	}
	if o.Patch != serveconfig.PatchBot && o.Patch != serveconfig.PatchServe {
		return cmdutil.FlagErrorf("--patch: must be %s or %s, got %q", serveconfig.PatchBot, serveconfig.PatchServe, o.Patch)
	}
	return nil
}

// Status is a check's outcome.
type Status string

// The outcomes of a check.
const (
	OK   Status = "ok"
	Fail Status = "fail"
	Skip Status = "skip" // not checked, Detail says why
)

// Check is one line of the report.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail,omitempty"`
	Fix    string `json:"fix,omitempty"`
}

func doctorRun(ctx context.Context, o *Options) error {
	client, err := o.DailyClient()
	if err != nil {
		return err
	}
	d := &doctor{o: o, client: client, http: o.httpClient}
	if d.http == nil {
		d.http = &http.Client{}
	}
	checks := d.run(ctx)
	failed := 0
	for _, c := range checks {
		if c.Status == Fail {
			failed++
		}
	}
	if o.Exporter != nil {
		if err := o.Exporter.Write(o.IO, checks); err != nil {
			return err
		}
	} else {
		cs := output.NewColorScheme(o.IO)
		for _, c := range checks {
			icon := map[Status]string{OK: cs.SuccessIcon(), Fail: cs.FailureIcon(), Skip: cs.Gray("-")}[c.Status]
			line := fmt.Sprintf("%s %s: %s", icon, c.Name, c.Detail)
			if c.Fix != "" {
				line += "\n    fix: " + c.Fix
			}
			fmt.Fprintln(o.IO.Out, line)
		}
	}
	if failed > 0 {
		o.IO.Infof("%d of %d checks failed.", failed, len(checks))
		return cmdutil.ErrSilent
	}
	return nil
}
