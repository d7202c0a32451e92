package webhooks

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// DeleteOptions are the inputs of `dialin webhooks delete`.
type DeleteOptions struct {
	IO          *iostreams.IOStreams
	DailyClient func() (*daily.Client, error)
	Yes         bool
	UUID        string
}

// NewCmdDelete builds `webhooks delete UUID`; runF replaces the run function in tests.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, DailyClient: f.DailyClient}
	cmd := &cobra.Command{
		Use:     "delete UUID",
		Aliases: []string{"rm"},
		Short:   "Delete the /webhooks subscription (events stop at once)",
		Long: "Delete the subscription. Daily stops sending events at once: a serve with --patch serve\n" +
			"then never moves a caller in (calls wait on hold until they time out). Asks first on a\n" +
			"terminal; --yes is required when not running interactively.",
		Example: "  dialin webhooks delete 0a1b2c3d-… --yes",
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.UUID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(c.Context(), opts)
		},
	}
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	w, err := client.Webhook(ctx, opts.UUID)
	if err != nil {
		if daily.IsNotFound(err) {
			return fmt.Errorf("no webhook %s on this domain (`dialin webhooks list` shows it)", opts.UUID)
		}
		return err
	}
	q := fmt.Sprintf("Delete the subscription %s to %s? Its events (%v) stop at once", w.UUID, w.URL, w.EventTypes)
	if err := cmdutil.Confirm(opts.IO, opts.Yes, q); err != nil {
		return err
	}
	if err := client.DeleteWebhook(ctx, w.UUID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s Deleted the subscription %s (%s)\n", output.NewErrColorScheme(opts.IO).SuccessIcon(), w.UUID, w.URL)
	return nil
}
