package webhooks

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// ListOptions are the inputs of `dialin webhooks list`.
type ListOptions struct {
	IO          *iostreams.IOStreams
	DailyClient func() (*daily.Client, error)
	Exporter    cmdutil.Exporter
	Quiet       bool
}

// NewCmdList builds `webhooks list`; runF replaces the run function in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, DailyClient: f.DailyClient}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the domain's /webhooks subscription",
		Long: "List the domain's subscription (Daily keeps at most one): UUID URL STATE EVENTS FAILED.\n" +
			"A FAILED subscription gets no events until `dialin webhooks update UUID` re-activates it.\n" +
			"The hmac is never shown.",
		Example: "  dialin webhooks list\n  dialin webhooks list --json --jq '.[].url'",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(c.Context(), opts)
		},
	}
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	cmdutil.AddQuietFlag(cmd, opts.IO, &opts.Quiet, "Print only UUIDs, one per line")
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	var hooks []daily.Webhook
	if err := opts.IO.WithProgress("Reading the webhooks", func() (err error) {
		hooks, err = client.Webhooks(ctx)
		return err
	}); err != nil {
		return err
	}
	if opts.Exporter != nil {
		out := make([]WebhookJSON, 0, len(hooks))
		for _, w := range hooks {
			out = append(out, webhookJSON(w))
		}
		return opts.Exporter.Write(opts.IO, out)
	}
	if len(hooks) == 0 {
		return cmdutil.NewNoResultsError("no /webhooks subscription on this domain; create one with `dialin webhooks create --url https://<serve host>/events`")
	}
	if opts.Quiet {
		for _, w := range hooks {
			fmt.Fprintln(opts.IO.Out, w.UUID)
		}
		return nil
	}
	t := output.NewTable(opts.IO, "uuid", "url", "state", "events", "failed")
	cs := output.NewColorScheme(opts.IO)
	for _, w := range hooks {
		state := string(w.State)
		if opts.IO.IsStdoutTTY() && state != "ACTIVE" {
			state = cs.Red(state)
		}
		t.Row(w.UUID, w.URL, state, strings.Join(w.EventTypes, ","), fmt.Sprint(w.FailedCount))
	}
	return t.Render()
}
