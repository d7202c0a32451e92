package routescmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/complete"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// RemoveOptions are the inputs of `dialin routes remove`.
type RemoveOptions struct {
	Deps
	Exporter cmdutil.Exporter

	Number string
	SIP    string
	Yes    bool
	DryRun bool

	Key routes.Key // from --number, --sip or the argument
}

// NewCmdRemove builds `routes remove`; runF replaces the run function in tests.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{Deps: newDeps(f)}
	cmd := &cobra.Command{
		Use:     "remove {--number NUMBER | --sip NAME | KEY}",
		Aliases: []string{"rm"},
		Short:   "Remove one route, keeping every other route as it is",
		Long: "Remove the route of one number, or of the SIP-interconnect entry named NAME. Calls to the number\n" +
			"no longer reach your webhook. Asks for confirmation on a terminal and needs --yes otherwise. The\n" +
			"routes are saved as a backup first (`dialin routes restore` puts them back).\n\n" +
			"KEY is what `dialin routes list -q` prints: a number, or sip:NAME.",
		Example: "  dialin routes remove --number +14155550100\n" +
			"  dialin routes remove --sip trunk-eu --yes\n" +
			"  dialin routes list -q | grep '^+1415' | xargs -n1 dialin routes remove --yes",
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.checkFlags(); err != nil {
				return err
			}
			var keys []string
			if opts.Number != "" {
				keys = append(keys, opts.Number)
			}
			if opts.SIP != "" {
				keys = append(keys, "sip:"+opts.SIP)
			}
			keys = append(keys, args...)
			if len(keys) != 1 {
				return cmdutil.FlagErrorf("--number, --sip or KEY: give exactly one")
			}
			k, err := routes.ParseKey(keys[0], opts.region())
			if err == nil && opts.Number != "" && k.IsSIP() {
				err = errors.New("--number takes a phone number; use --sip NAME for a SIP-interconnect route")
			}
			if err != nil {
				return cmdutil.FlagErrorf("route key: %v", err)
			}
			opts.Key = k
			if runF != nil {
				return runF(opts)
			}
			return removeRun(c.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Number, "number", "", "Phone number of the route")
	cmd.Flags().StringVar(&opts.SIP, "sip", "", "Name prefix of the SIP-interconnect route")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Show what would be removed, but write nothing")
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	addAPIFlag(cmd, &opts.Deps)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	_ = cmd.RegisterFlagCompletionFunc("number", complete.RouteNumbers(f))
	cmd.ValidArgsFunction = complete.RouteNumbers(f)
	return cmd
}

func removeRun(ctx context.Context, opts *RemoveOptions) error {
	s, cur, err := opts.openRead(ctx)
	if err != nil {
		return err
	}
	_, change, err := routes.Remove(cur, opts.Key)
	if errors.Is(err, routes.ErrNotFound) {
		return cmdutil.WithHint(err, "`dialin routes list` shows the routes")
	}
	if err != nil {
		return err
	}
	if err := renderChange(opts.IO.ErrOut, change, output.NewErrColorScheme(opts.IO)); err != nil {
		return err
	}
	res := setResult{Change: change, DryRun: opts.DryRun}
	if opts.DryRun {
		opts.IO.Infof("Dry run: nothing written.")
		return writeJSON(opts.Exporter, opts.Deps, res)
	}
	if err := cmdutil.Confirm(opts.IO, opts.Yes, fmt.Sprintf("Remove route %s?", change.Key)); err != nil {
		return err
	}
	w, err := opts.writer(ctx, s)
	if err != nil {
		return err
	}
	wr, err := opts.writeRoutes(ctx, s, w, func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		next, _, err := routes.Remove(cur, opts.Key)
		if errors.Is(err, routes.ErrNotFound) {
			return cur, nil // someone else removed it meanwhile: nothing left to do
		}
		return next, err
	})
	if err != nil {
		return err
	}
	res.Written, res.Backup = wr.Changed, wr.Backup
	if wr.Changed {
		cs := output.NewErrColorScheme(opts.IO)
		fmt.Fprintf(opts.IO.ErrOut, "%s Removed route %s (read back and verified)\n", cs.SuccessIcon(), change.Key)
		opts.IO.Infof("Backup of the routes before this change: %s", wr.Backup)
	} else {
		opts.IO.Infof("Route %s was already gone; nothing written.", change.Key)
	}
	return writeJSON(opts.Exporter, opts.Deps, res)
}

// writeJSON prints data when --json or --jq was given.
func writeJSON(e cmdutil.Exporter, d Deps, data any) error {
	if e == nil {
		return nil
	}
	return e.Write(d.IO, data)
}
