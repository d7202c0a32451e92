package routescmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// ApplyOptions are the inputs of `dialin routes apply`.
type ApplyOptions struct {
	Deps
	specInputs
	Exporter cmdutil.Exporter

	PlanFile string
	Yes      bool
}

// NewCmdApply builds `routes apply`; runF replaces the run function in tests.
func NewCmdApply(f *cmdutil.Factory, runF func(*ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{Deps: newDeps(f)}
	cmd := &cobra.Command{
		Use:   "apply {-f FILE [--prune] | PLANFILE}",
		Short: "Change the routes to what a routes file or a saved plan says",
		Long: "Plan a routes file against the live routes (as `routes plan` does), show the plan, and write it:\n" +
			"asks on a terminal, needs --yes otherwise. Routes not in the file are kept unless --prune,\n" +
			"which removes only routes the file manages (see managed_prefix in docs/routes.md).\n\n" +
			"With PLANFILE (from `routes plan --out`), applies exactly that plan, and refuses with exit 1 if\n" +
			"the routes changed since it was made (a stale plan): plan again and review.\n\n" +
			"The write is the same as `routes set`: backup, lock, re-read, write, read back and verify. Before\n" +
			"each attempt the file is planned again: routes someone else changed that the file does not touch\n" +
			"are kept as they are now, and if the plan's own changes are no longer the ones shown, nothing is\n" +
			"written (stale plan). A saved plan is written only onto the very routes it was made against.",
		Example: "  dialin routes apply -f routes.yaml\n" +
			"  dialin routes apply -f routes.yaml --prune --yes\n" +
			"  dialin routes apply routes.plan --yes",
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.checkFlags(); err != nil {
				return err
			}
			if len(args) == 1 {
				opts.PlanFile = args[0]
			}
			switch {
			case opts.PlanFile != "" && opts.File != "":
				return cmdutil.FlagErrorf("-f FILE and PLANFILE: give one")
			case opts.PlanFile == "" && opts.File == "":
				return cmdutil.FlagErrorf("-f FILE or PLANFILE: one is required")
			case opts.PlanFile != "" && opts.Prune:
				return cmdutil.FlagErrorf("--prune: a saved plan already says what it removes; plan again with --prune")
			}
			if runF != nil {
				return runF(opts)
			}
			return applyRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.File, "file", "f", "", "Routes `FILE` (YAML; - for stdin)")
	fl.BoolVar(&opts.Prune, "prune", false, "Remove managed routes that are not in the file")
	fl.BoolVar(&opts.AllowHTTP, "allow-http", false, "Accept http URLs on loopback hosts (local development)")
	fl.BoolVar(&opts.Force, "force", false, "Accept numbers the domain does not own")
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	addAPIFlag(cmd, &opts.Deps)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

// applyResult is what `routes apply --json` prints.
type applyResult struct {
	Plan    *routes.PlanResult `json:"plan"`
	Applied bool               `json:"applied"`
	Backup  string             `json:"backup,omitempty"`
}

func applyRun(ctx context.Context, opts *ApplyOptions) error {
	var (
		p    *routes.PlanResult
		spec *routes.Spec
		err  error
	)
	if opts.PlanFile != "" {
		data, err := readInput(opts.IO, opts.PlanFile, "PLANFILE")
		if err != nil {
			return err
		}
		if p, err = routes.DecodePlanFile(data); err != nil {
			return cmdutil.FlagErrorf("%s: %v", opts.PlanFile, err)
		}
	} else if spec, err = opts.loadSpec(opts.IO); err != nil {
		return err
	}
	s, err := opts.open()
	if err != nil {
		return err
	}
	if spec != nil {
		if p, err = opts.planFromSpec(ctx, opts.IO, s, spec); err != nil {
			return err
		}
	} else if err := opts.checkSavedPlan(ctx, s, p); err != nil {
		return err
	}
	if opts.Exporter == nil {
		if err := renderPlan(opts.IO.Out, p, output.NewColorScheme(opts.IO)); err != nil {
			return err
		}
	}
	res := applyResult{Plan: p}
	if !p.HasChanges() {
		return writeJSON(opts.Exporter, opts.Deps, res)
	}
	if err := cmdutil.Confirm(opts.IO, opts.Yes, "Apply this plan to the routes?"); err != nil {
		return err
	}
	w, err := opts.writer(ctx, s)
	if err != nil {
		return err
	}
	// A file is planned again before each attempt, a saved plan checked against its base.
	mutate := p.Next
	if spec != nil {
		mutate = routes.Replan(spec, opts.Prune, p)
	}
	wr, err := opts.writeRoutes(ctx, s, w, mutate)
	if err != nil {
		return badInput(err)
	}
	res.Applied, res.Backup = wr.Changed, wr.Backup
	cs := output.NewErrColorScheme(opts.IO)
	sum := p.Summary
	fmt.Fprintf(opts.IO.ErrOut, "%s Applied: %d added, %d changed, %d removed (read back and verified)\n",
		cs.SuccessIcon(), sum.Add, sum.Change, sum.Remove)
	opts.IO.Infof("Backup of the routes before this change: %s", wr.Backup)
	return writeJSON(opts.Exporter, opts.Deps, res)
}

// checkSavedPlan refuses a plan made against other routes than the live ones, and checks
// the entries it writes as a plan from a file is checked.
func (opts *ApplyOptions) checkSavedPlan(ctx context.Context, s *session, p *routes.PlanResult) error {
	cur, err := s.read(ctx, opts.IO)
	if err != nil {
		return err
	}
	next, err := p.Next(cur)
	if err != nil {
		return cmdutil.WithHint(fmt.Errorf("%s: %w", opts.PlanFile, err),
			"the routes changed after the plan was made (by someone else, or by applying this plan already); run `dialin routes plan --out` again and review it")
	}
	vopts, err := opts.validateOptions(ctx, opts.IO, s, next)
	if err != nil {
		return err
	}
	vopts.Only = p.ChangedKeys()
	return badInput(routes.Validate(next, vopts))
}
