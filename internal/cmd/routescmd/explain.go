package routescmd

import (
	"context"
	"fmt"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/complete"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// ExplainOptions are the inputs of `dialin routes explain`.
type ExplainOptions struct {
	Deps
	Exporter cmdutil.Exporter

	To          string
	From        string
	SIPHeaders  map[string]string
	ServeConfig string
	Quiet       bool

	serve *serveconfig.Config // loaded before any request
}

// NewCmdExplain builds `routes explain`; runF replaces the run function in tests.
func NewCmdExplain(f *cmdutil.Factory, runF func(*ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{Deps: newDeps(f)}
	cmd := &cobra.Command{
		Use:   "explain --to NUMBER [--from NUMBER] [--serve-config FILE]",
		Short: "Say which route, and which serve rule, a call would reach, and why",
		Long: "Find the route a call to NUMBER reaches. Numbers are compared in E.164, so\n" +
			"'+1 (415) 555-0100', 14155550100 and +14155550100 are the same number; a SIP address\n" +
			"(sip:user@host) is matched against the routes' sip_uri. Daily chooses the route by the\n" +
			"dialled number only; --from is shown and used by serve rules.\n\n" +
			"With --serve-config, also says which rule of that `dialin serve` configuration would take the\n" +
			"call (the same matcher serve uses), given --from and any --sip-header NAME=VALUE.\n\n" +
			"Exits 0 when the call reaches a route (and, with --serve-config, a rule takes it), 1 when\n" +
			"it does not, like grep; -q prints nothing, for scripts that only need the answer.",
		Example: "  dialin routes explain --to '+1 (415) 555-0100'\n" +
			"  dialin routes explain --to 14155550100 --from +442071838750 --serve-config serve.yaml\n" +
			"  dialin routes explain --to sip:trunk--1739943585193@example.sip.daily.co --json\n" +
			"  dialin routes explain --to \"$N\" -q || echo \"$N is not routed\"",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.checkFlags(); err != nil {
				return err
			}
			if opts.To == "" {
				return cmdutil.FlagErrorf("--to: required (the number or SIP address called)")
			}
			if _, err := routes.Explain(nil, opts.To, opts.From, opts.region()); err != nil {
				return cmdutil.FlagErrorf("--%v", err)
			}
			if opts.ServeConfig != "" {
				cfg, err := serveconfig.Load(opts.ServeConfig)
				if err != nil {
					return cmdutil.FlagErrorf("--serve-config: %v", err)
				}
				opts.serve = cfg
			}
			if runF != nil {
				return runF(opts)
			}
			return explainRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "Number (any spelling) or SIP address that is called")
	fl.StringVar(&opts.From, "from", "", "Number of the caller")
	fl.StringToStringVar(&opts.SIPHeaders, "sip-header", nil, "SIP header of the call, NAME=VALUE (repeatable; for serve rules)")
	fl.StringVar(&opts.ServeConfig, "serve-config", "", "Configuration `FILE` of dialin serve: also show which of its rules takes the call")
	addAPIFlag(cmd, &opts.Deps)
	cmdutil.AddQuietFlag(cmd, opts.IO, &opts.Quiet, "Print nothing: the exit code says whether the call is routed (0) or not (1)")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	_ = cmd.RegisterFlagCompletionFunc("to", complete.RouteNumbers(f))
	return cmd
}

// explanation is what `routes explain --json` prints.
type explanation struct {
	*routes.Explanation
	ServeRule *serveRule `json:"serve_rule,omitempty"`
}

// serveRule is the serve rule that would take the call; Name is empty when serve refuses it.
type serveRule struct {
	Config string `json:"config"`
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason"`
	// PathMismatch says that the route's webhook path is not serve's webhook_path.
	PathMismatch string `json:"path_mismatch,omitempty"`
}

func explainRun(ctx context.Context, opts *ExplainOptions) error {
	if opts.serve != nil {
		warnNeverMatching(opts)
	}
	s, entries, err := opts.openRead(ctx)
	if err != nil {
		return err
	}
	x, err := routes.Explain(entries, opts.To, opts.From, s.region)
	if err != nil {
		return cmdutil.FlagErrorWrap(err)
	}
	out := explanation{Explanation: x}
	if opts.serve != nil && x.Matched {
		out.ServeRule = whichRule(opts.serve, x, opts.SIPHeaders)
	}
	// Not routed (or refused by serve's rules): exit 1 after the explanation, as grep does.
	var notRouted error
	if !x.Matched || (out.ServeRule != nil && out.ServeRule.Name == "") {
		notRouted = cmdutil.ErrSilent
	}
	switch {
	case opts.Quiet:
		return notRouted
	case opts.Exporter != nil:
		if err := opts.Exporter.Write(opts.IO, out); err != nil {
			return err
		}
		return notRouted
	}
	w := opts.IO.Out
	call := x.To
	if x.From != "" {
		call += " from " + x.From
	}
	fmt.Fprintf(w, "Call:    %s\n", call)
	if x.Matched {
		fmt.Fprintf(w, "Route:   entry #%d, %s → %s\n", x.Index+1, x.Key, routes.WebhookName(showURL(x.Webhook, false)))
	} else {
		fmt.Fprintf(w, "Route:   none\n")
	}
	fmt.Fprintf(w, "Why:     %s\n", x.Reason)
	switch r := out.ServeRule; {
	case r != nil && r.Name != "":
		fmt.Fprintf(w, "Rule:    %s (%s)\n", r.Name, r.Config)
		fmt.Fprintf(w, "Why:     %s\n", r.Reason)
	case r != nil:
		fmt.Fprintf(w, "Rule:    none: serve refuses the call (%s)\n", r.Config)
		fmt.Fprintf(w, "Why:     %s\n", r.Reason)
	case opts.serve != nil:
		fmt.Fprintf(w, "Rule:    none: no route, so Daily calls no webhook\n")
	default:
		opts.IO.Infof("Give --serve-config FILE to see which `dialin serve` rule would take the call.")
	}
	if r := out.ServeRule; r != nil && r.PathMismatch != "" {
		fmt.Fprintf(w, "Note:    %s\n", r.PathMismatch)
	}
	return notRouted
}

// whichRule is the serve rule that takes the call, by serve's own matcher.
func whichRule(cfg *serveconfig.Config, x *routes.Explanation, headers map[string]string) *serveRule {
	rule, why := cfg.Match(rules.Call{To: x.To, From: x.From, SIPHeaders: headers})
	out := &serveRule{Config: cfg.File, Reason: why}
	if rule != nil {
		out.Name = rule.Name
		if out.Name == "" {
			out.Name = "default"
		}
	}
	if u, err := url.Parse(x.Webhook); err == nil && cfg.WebhookPath != "" && u.Path != cfg.WebhookPath {
		out.PathMismatch = fmt.Sprintf("the route's webhook path %q is not serve's webhook_path %q; serve would not receive this call there", u.Path, cfg.WebhookPath)
	}
	return out
}

// warnNeverMatching names the serve rules' number patterns that cannot match what Daily sends:
// such a rule never fires, and explain would otherwise only show some other rule winning.
func warnNeverMatching(opts *ExplainOptions) {
	for _, r := range opts.serve.Rules {
		for _, p := range r.Match.NeverMatching() {
			warnf(opts.IO, "rule %s: match.%s pattern %q never matches an E.164 number (they start with +)", r.Name, p.Field, p.Pattern)
		}
	}
}
