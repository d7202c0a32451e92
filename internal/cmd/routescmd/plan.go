package routescmd

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// PlanOptions are the inputs of `dialin routes plan`.
type PlanOptions struct {
	Deps
	specInputs
	Exporter cmdutil.Exporter

	Out              string
	DetailedExitCode bool
}

// NewCmdPlan builds `routes plan`; runF replaces the run function in tests.
func NewCmdPlan(f *cmdutil.Factory, runF func(*PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{Deps: newDeps(f)}
	cmd := &cobra.Command{
		Use:   "plan -f FILE [--prune] [--out PLANFILE] [--detailed-exitcode]",
		Short: "Show what applying a routes file would change",
		Long: "Compare a routes file (YAML; see docs/routes.md) with the live routes and print a terraform-style\n" +
			"diff: + add, ~ change (old → new per field), - remove, then a summary line. Secrets are never\n" +
			"shown. Routes not in the file are kept; with --prune, routes the file manages (name_prefix\n" +
			"starting with its managed_prefix) are removed, never routes someone else made.\n\n" +
			"--out saves the plan (mode 0600: it holds the hmac secrets it writes) for `routes apply PLANFILE`,\n" +
			"which applies exactly that plan and refuses if the routes changed since; terraform's -out FILE\n" +
			"spelling works too.\n\n" +
			"Exit codes: 0 on success. With --detailed-exitcode: 0 no changes, 2 changes, 1 any error.",
		Example: "  dialin routes plan -f routes.yaml\n" +
			"  dialin routes plan -f routes.yaml --prune --detailed-exitcode\n" +
			"  dialin routes plan -f routes.yaml --out routes.plan && dialin routes apply routes.plan --yes",
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.checkPlanFlags(c, args); err != nil {
				if opts.DetailedExitCode {
					return detailedExit(err)
				}
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return planRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.File, "file", "f", "", "Routes `FILE` (YAML; - for stdin)")
	fl.BoolVar(&opts.Prune, "prune", false, "Remove managed routes that are not in the file")
	fl.StringVarP(&opts.Out, "out", "o", "", "Save the plan to `PLANFILE` for `routes apply PLANFILE`")
	fl.BoolVar(&opts.DetailedExitCode, "detailed-exitcode", false, "Exit 0 without changes, 2 with changes, 1 on error")
	fl.BoolVar(&opts.AllowHTTP, "allow-http", false, "Accept http URLs on loopback hosts (local development)")
	fl.BoolVar(&opts.Force, "force", false, "Accept numbers the domain does not own")
	addAPIFlag(cmd, &opts.Deps)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

// checkPlanFlags checks the flags before any request. terraform's "-out FILE" reaches here
// as -o "ut" and an argument, and "-out=FILE" as -o "ut=FILE"; both are taken as --out FILE.
func (opts *PlanOptions) checkPlanFlags(c *cobra.Command, args []string) error {
	if c.Flags().Changed("out") {
		switch {
		case opts.Out == "ut" && len(args) == 1:
			opts.Out, args = args[0], nil
		case strings.HasPrefix(opts.Out, "ut="):
			opts.Out = strings.TrimPrefix(opts.Out, "ut=")
		}
		if opts.Out == "" {
			return cmdutil.FlagErrorf("--out: must name a file")
		}
	}
	if len(args) > 0 {
		return cmdutil.FlagErrorf("unexpected argument %q: the routes file is given with -f FILE", args[0])
	}
	if err := opts.checkFlags(); err != nil {
		return err
	}
	if opts.File == "" {
		return cmdutil.FlagErrorf("--file: required (the routes file; - for stdin)")
	}
	return nil
}

// planRun plans; with --detailed-exitcode every failure exits 1 and changes exit 2.
func planRun(ctx context.Context, opts *PlanOptions) error {
	err := plan(ctx, opts)
	if opts.DetailedExitCode {
		return detailedExit(err)
	}
	return err
}

func plan(ctx context.Context, opts *PlanOptions) error {
	spec, err := opts.loadSpec(opts.IO)
	if err != nil {
		return err
	}
	s, err := opts.open()
	if err != nil {
		return err
	}
	p, err := opts.planFromSpec(ctx, opts.IO, s, spec)
	if err != nil {
		return err
	}
	if opts.Out != "" {
		data, err := routes.EncodePlanFile(p)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(opts.Out, data, 0o600); err != nil {
			return err
		}
	}
	if opts.Exporter != nil {
		err = opts.Exporter.Write(opts.IO, p)
	} else {
		err = renderPlan(opts.IO.Out, p, output.NewColorScheme(opts.IO))
	}
	if err != nil {
		return err
	}
	if opts.Out != "" {
		opts.IO.Infof("Saved the plan to %s (mode 0600: it holds secrets). Apply exactly this plan with `dialin routes apply %s`.", opts.Out, opts.Out)
	}
	if opts.DetailedExitCode && p.HasChanges() {
		return cmdutil.ErrChangesPresent
	}
	return nil
}
