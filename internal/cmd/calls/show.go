package calls

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmd/servecmd/escape"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

// ShowOptions are the inputs of `dialin calls show`.
type ShowOptions struct {
	IO       *iostreams.IOStreams
	Exporter cmdutil.Exporter
	Serve    string
	CallID   string

	// Emulator reads the call's timeline from the emulator at DAILY_API_URL instead of serve.
	Emulator bool
	Config   func() (*config.Config, error)
}

// NewCmdShow builds `calls show CALL_ID`.
func NewCmdShow(f *cmdutil.Factory) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "show CALL_ID",
		Short: "Show a call's timeline, where the caller's wait went, and why it failed",
		Long: "Show one call from serve's history: each step with its time since the webhook was\n" +
			"received, the caller's hold time, the step that took longest, and for a refused or failed\n" +
			"call the step that did not happen, serve's reason, and what to do about it.\n" +
			"--json adds the webhook's body as Daily sent it.\n\n" +
			"--emulator shows the call as `dialin emulator` (at DAILY_API_URL) saw it instead: held,\n" +
			"webhook answered, ready, updated, connected, as `simulate call --via-emulator` prints it.",
		Example: "  dialin calls show 3f2a1b2c-9d0e-4f5a-8b6c-7d8e9f0a1b2c\n" +
			"  dialin calls list --outcome failed --jq '.[0].callId' | xargs dialin calls show\n" +
			"  dialin calls show 3f2a1b2c-9d0e-4f5a-8b6c-7d8e9f0a1b2c --emulator",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.CallID = args[0]
			return showRun(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Emulator, "emulator", false, "Show the call's timeline as the emulator at DAILY_API_URL saw it")
	addServeFlag(cmd, &opts.Serve)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

func showRun(ctx context.Context, o *ShowOptions) error {
	if o.Emulator {
		return showEmulated(ctx, o)
	}
	c, err := newAdminClient(o.Serve)
	if err != nil {
		return err
	}
	call, err := c.call(ctx, o.CallID)
	if err != nil {
		return err
	}
	if o.Exporter != nil {
		return o.Exporter.Write(o.IO, call)
	}
	writeTimeline(o.IO.Out, call, output.NewColorScheme(o.IO))
	return nil
}

// writeTimeline prints the call for people:
//
//	call 3f2a1b2c-…  answered
//	  from "+15550001111" to "+14155550100", rule default (bot cmd), received 14:03:07.412
//	      +0ms  received
//	     +40ms  room_created  room 9d0c…
//	   +1218ms  connected     room 9d0c…
//	  hold 1.2s; longest step: connected, 1.1s after the one before
func writeTimeline(w io.Writer, c history.Call, cs *output.ColorScheme) {
	fmt.Fprintf(w, "call %s  %s\n", escape.Printable(c.CallID, 64), colorOutcome(cs, c.Outcome))
	rule := "no rule"
	if c.Rule != "" {
		rule = "rule " + escape.Printable(c.Rule, 32)
		if c.Bot != "" {
			rule += " (bot " + c.Bot + ")"
		}
	}
	fmt.Fprintf(w, "  from %s to %s, %s, received %s\n", escape.Quote(c.From, 64), escape.Quote(c.To, 64), rule, c.ReceivedAt.Local().Format("2006-01-02 15:04:05.000"))
	for _, s := range c.Steps {
		mark := "  "
		if s.Kind == history.Failed || s.Kind == history.Refused {
			mark = cs.FailureIcon() + " "
		}
		line := fmt.Sprintf("  %9s  %s%-13s %s", "+"+fmtMs(s.SinceMs), mark, s.Kind, escape.Printable(s.Detail, 160))
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	hold := "hold " + fmtMs(c.HoldMs)
	if c.Outcome == history.InProgress {
		hold += " so far"
	}
	if s, d := c.Longest(); d > 0 {
		hold += fmt.Sprintf("; longest step: %s, %s after the one before", s.Kind, fmtMs(d))
	}
	fmt.Fprintln(w, "  "+hold)
	if c.Outcome == history.Failed || c.Outcome == history.Refused || c.Outcome == history.Unanswered {
		step := c.FailedStep
		if step == "" {
			step = "connected"
		}
		fmt.Fprintf(w, "\n%s %s at %s: %s\n", cs.FailureIcon(), c.Outcome, step, escape.Printable(c.Reason, 300))
		fmt.Fprintf(w, "  what to do: %s\n", advice(step))
	}
	if c.Outcome == history.Ended {
		fmt.Fprintln(w, "\n  serve cannot tell whether the caller connected: no Daily event (dialin.ready, .connected) reached its\n"+
			"  /events for this call. Subscribe the domain's /webhooks to it to see the whole timeline (docs/calls.md).")
	}
}

// advice says what to do about a call that did not reach step.
func advice(step string) string {
	switch step {
	case "rule":
		return "no rule of serve's config matches this call's To/From/SIP headers: add a rule or a default (docs/serve.md)"
	case "admitted":
		return "every slot stayed busy for the queue timeout: raise the cap (--cap, caps in serve.yaml) or --queue-timeout, or add replicas (docs/replicas.md)"
	case "room_created", "token":
		return "Daily refused the request (its answer is the reason above): check the API key (`dialin auth status`), the domain's limits and Daily's status; serve retries nothing once the caller waits"
	case "bot_started":
		return "the bot did not start: run the bot command by hand with this call's values, or check that the bot runner (--bot-url, pipecat) answers; see docs/bot-contract.md"
	case "ready":
		return "the room's SIP endpoint never reported ready: Daily's /webhooks events must reach serve's /events (dialin webhooks), and the bot must join the room"
	case "patched":
		return "pinlessCallUpdate failed: the caller may have hung up, or the endpoint was not ready yet; see `dialin calls update --help`"
	default:
		return "the bot started but the caller never connected: with patch: bot the bot must call pinlessCallUpdate on dialin-ready (or run serve with --patch serve); check the bot's logs and docs/calls.md"
	}
}
