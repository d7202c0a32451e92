package rooms

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/complete"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// DeleteOptions are the inputs of `dialin rooms delete`.
type DeleteOptions struct {
	IO          *iostreams.IOStreams
	DailyClient func() (*daily.Client, error)
	Yes         bool

	Names []string
}

// NewCmdDelete builds `rooms delete NAME...`; runF replaces the run function in tests.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, DailyClient: f.DailyClient}
	cmd := &cobra.Command{
		Use:     "delete NAME...",
		Aliases: []string{"rm"},
		Short:   "Delete rooms (everyone in them is disconnected)",
		Long: "Delete one or more rooms. Everyone in a room is disconnected, a call patched into it\n" +
			"ends, and the name can be reused. Asks first on a terminal; --yes is required when not\n" +
			"running interactively. A name that does not exist fails that name, the others are still\n" +
			"deleted, and the exit code is 1.\n\n" +
			"Deleting a room ends the calls in it: pick the rooms by name (e.g. your test rooms'\n" +
			"prefix) rather than piping every room of the domain in, which would hang up live callers.",
		Example: "  dialin rooms delete support-1\n" +
			"  dialin rooms list -q | grep '^test-' | xargs dialin rooms delete --yes   # only the test rooms",
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := validNames(args); err != nil {
				return err
			}
			opts.Names = dedupe(args)
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(c.Context(), opts)
		},
	}
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	cmd.ValidArgsFunction = complete.RoomNames(f)
	return cmd
}

// dedupe keeps the first occurrence of each name: deleting twice would fail the second time.
func dedupe(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	question := fmt.Sprintf("Delete room %s and disconnect anyone in it?", opts.Names[0])
	if len(opts.Names) > 1 {
		question = fmt.Sprintf("Delete %d rooms (%s) and disconnect anyone in them?", len(opts.Names), strings.Join(opts.Names, ", "))
	}
	if err := cmdutil.Confirm(opts.IO, opts.Yes, question); err != nil {
		return err
	}
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	cs := output.NewErrColorScheme(opts.IO)
	var failed []error
	for _, name := range opts.Names {
		err := opts.IO.WithProgress("Deleting room "+name, func() error {
			return client.DeleteRoom(ctx, name)
		})
		if err != nil {
			err = notFound(name, err)
			if ctx.Err() != nil || daily.IsAuth(err) {
				return err // the rest would fail the same way
			}
			failed = append(failed, err)
			if len(opts.Names) > 1 {
				fmt.Fprintf(opts.IO.ErrOut, "%s %s: %v\n", cs.FailureIcon(), name, err)
			}
			continue
		}
		opts.IO.Infof("%s Deleted room %s", cs.SuccessIcon(), name)
	}
	switch {
	case len(failed) == 0:
		return nil
	case len(opts.Names) == 1:
		return failed[0]
	}
	return fmt.Errorf("%d of %d rooms not deleted", len(failed), len(opts.Names))
}
