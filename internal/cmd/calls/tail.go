package calls

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmd/servecmd/escape"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

// TailOptions are the inputs of `dialin calls tail`.
type TailOptions struct {
	IO    *iostreams.IOStreams
	Serve string
	Count int    // stop after this many events (0: until Ctrl-C)
	Until string // stop after the first event of this step
	Since time.Duration
}

// NewCmdTail builds `calls tail`.
func NewCmdTail(f *cmdutil.Factory) *cobra.Command {
	opts := &TailOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "tail",
		Short: "Follow a running serve's call events live, one line each",
		Long: "Print each step of each call as serve records it, one line per event, until Ctrl-C:\n" +
			"TIME CALL STEP RULE +SINCE DETAIL (caller values escaped).",
		Example: "  dialin calls tail\n" +
			"  dialin calls tail --count 20 | grep failed\n" +
			"  dialin calls tail --until failed   # in a script: wait for the first failure",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Count < 0 {
				return cmdutil.FlagErrorf("--count: 0 or more events")
			}
			if opts.Since < 0 {
				return cmdutil.FlagErrorf("--since: a duration of 0 or more, such as 5m")
			}
			return tailRun(c.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Count, "count", "n", 0, "Stop after `N` events (default: follow until Ctrl-C)")
	cmd.Flags().DurationVar(&opts.Since, "since", 0, "First print the events of the calls received in this `duration` (e.g. 5m), then follow")
	cmd.Flags().StringVar(&opts.Until, "until", "", "Stop after the first event of this `step` (received, connected, failed, refused, ended, …)")
	addServeFlag(cmd, &opts.Serve)
	return cmd
}

func tailRun(ctx context.Context, o *TailOptions) error {
	c, err := newAdminClient(o.Serve)
	if err != nil {
		return err
	}
	cs := output.NewColorScheme(o.IO)
	seen := 0
	path := "/api/events"
	if o.Since > 0 {
		path += "?since=" + o.Since.String()
	}
	return c.events(ctx, path, func(u history.Update) bool {
		fmt.Fprintln(o.IO.Out, formatUpdate(u, cs))
		seen++
		if o.Until != "" && u.Step.Kind == o.Until {
			return false
		}
		return o.Count == 0 || seen < o.Count
	})
}

// formatUpdate is one event line, in serve's terminal format.
func formatUpdate(u history.Update, cs *output.ColorScheme) string {
	kind := fmt.Sprintf("%-12s", u.Step.Kind)
	switch u.Step.Kind {
	case history.Failed, history.Refused:
		kind = cs.Red(kind)
	case "connected":
		kind = cs.Green(kind)
	}
	rule := u.Call.Rule
	if rule == "" {
		rule = "-"
	}
	id := u.Call.CallID
	if len(id) > 8 {
		id = id[:8]
	}
	line := fmt.Sprintf("%s  %-8s  %s  %-8s  %-7s", u.Step.At.Local().Format(time.TimeOnly+".000"), escape.Printable(id, 8), kind,
		escape.Printable(rule, 32), fmt.Sprintf("+%dms", int64(u.Step.SinceMs)))
	detail := u.Step.Detail
	if u.Step.Kind == "received" {
		detail = "from " + escape.Quote(u.Call.From, 64) + " to " + escape.Quote(u.Call.To, 64)
	} else {
		detail = escape.Printable(detail, 200)
	}
	return strings.TrimRight(line+"  "+detail, " ")
}
