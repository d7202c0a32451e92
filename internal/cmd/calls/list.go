package calls

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmd/servecmd/escape"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/serve/admin"
	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

// ListOptions are the inputs of `dialin calls list`.
type ListOptions struct {
	IO       *iostreams.IOStreams
	Exporter cmdutil.Exporter
	Serve    string

	Outcome, Number, Since string
	Limit                  int
}

// NewCmdList builds `calls list`.
func NewCmdList(f *cmdutil.Factory) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the calls a running serve took, newest first",
		Long: "List the calls `dialin serve` keeps in its history (--call-history), newest first:\n" +
			"CALL RECEIVED OUTCOME FROM TO RULE HOLD. Outcomes: in_progress, answered, unanswered\n" +
			"(ended before connecting), ended (serve heard no Daily event: it cannot tell), refused (no\n" +
			"rule, no slot), failed (room, token, bot or patch).\n" +
			"Piped, each call is one tab-separated line with an RFC 3339 time and the hold in ms.",
		Example: "  dialin calls list\n" +
			"  dialin calls list --outcome failed --since 1h\n" +
			"  dialin calls list --number +14155550100 --jq '.[].callId'",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			q := opts.query()
			if _, err := admin.ParseFilter(q, time.Now()); err != nil {
				return cmdutil.FlagErrorf("--%v", err)
			}
			return listRun(c.Context(), opts, q)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Outcome, "outcome", "", "Only calls with this outcome: "+strings.Join(history.Outcomes, ", "))
	fl.StringVar(&opts.Number, "number", "", "Only calls from or to a number containing this")
	fl.StringVar(&opts.Since, "since", "", "Only calls received since a `time` (RFC 3339) or for a duration (15m, 2h)")
	fl.IntVarP(&opts.Limit, "limit", "L", 0, "Show at most `N` calls (default: all kept)")
	addServeFlag(cmd, &opts.Serve)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	_ = cmd.RegisterFlagCompletionFunc("outcome", cobra.FixedCompletions(history.Outcomes, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *ListOptions) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"outcome": o.Outcome, "number": o.Number, "since": o.Since} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	return q
}

func listRun(ctx context.Context, o *ListOptions, q url.Values) error {
	c, err := newAdminClient(o.Serve)
	if err != nil {
		return err
	}
	var list admin.CallList
	if err := c.do(ctx, http.MethodGet, "/api/calls?"+q.Encode(), nil, &list); err != nil {
		return err
	}
	if o.Exporter != nil {
		return o.Exporter.Write(o.IO, list.Calls)
	}
	if len(list.Calls) == 0 {
		return cmdutil.NewNoResultsError("no calls in serve's history match")
	}
	cs := output.NewColorScheme(o.IO)
	tty := o.IO.IsStdoutTTY()
	t := output.NewTable(o.IO, "call", "received", "outcome", "from", "to", "rule", "hold")
	for _, call := range list.Calls {
		received, hold, outcome := call.ReceivedAt.Format(time.RFC3339Nano), strconv.FormatFloat(call.HoldMs, 'f', 0, 64), call.Outcome
		if tty {
			received, hold = call.ReceivedAt.Local().Format("15:04:05.000"), fmtMs(call.HoldMs)
			outcome = colorOutcome(cs, outcome)
		}
		t.Row(call.CallID, received, outcome, escape.Quote(call.From, 32), escape.Quote(call.To, 32), escape.Printable(call.Rule, 32), hold)
	}
	return t.Render()
}

func colorOutcome(cs *output.ColorScheme, outcome string) string {
	switch outcome {
	case history.Answered:
		return cs.Green(outcome)
	case history.Failed, history.Refused, history.Unanswered:
		return cs.Red(outcome)
	}
	return outcome
}

// fmtMs prints milliseconds as "850ms" or "1.2s".
func fmtMs(ms float64) string {
	if ms >= 1000 {
		return strconv.FormatFloat(float64(int64(ms/100+0.5))/10, 'f', -1, 64) + "s"
	}
	return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
}
