package routescmd

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// RestoreOptions are the inputs of `dialin routes restore`.
type RestoreOptions struct {
	Deps
	Exporter cmdutil.Exporter

	Backup    string // name (as --list shows it) or path; "" is the newest
	List      bool
	Yes       bool
	DryRun    bool
	AllowHTTP bool
	Force     bool
}

// NewCmdRestore builds `routes restore`; runF replaces the run function in tests.
func NewCmdRestore(f *cmdutil.Factory, runF func(*RestoreOptions) error) *cobra.Command {
	opts := &RestoreOptions{Deps: newDeps(f)}
	cmd := &cobra.Command{
		Use:   "restore [BACKUP]",
		Short: "Put back the routes saved before an earlier write",
		Long: "Every write of the routes first saves them as a backup in the state directory, one directory\n" +
			"per domain. --list shows the backups, newest first; restore BACKUP (a name from the list, or a\n" +
			"path) replaces the routes with it, the newest when BACKUP is left out.\n\n" +
			"The difference is shown first; asks on a terminal, needs --yes otherwise. The restore is a write\n" +
			"like any other: the routes it replaces are backed up, it is refused if they change while you\n" +
			"decide, and it is read back and verified. Entries are restored with their hmac secrets.",
		Example: "  dialin routes restore --list\n" +
			"  dialin routes restore\n" +
			"  dialin routes restore routes-20260102T150405.000000000Z.json --yes",
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.checkFlags(); err != nil {
				return err
			}
			if len(args) == 1 {
				opts.Backup = args[0]
			}
			if opts.List && (opts.Backup != "" || opts.DryRun || opts.Yes) {
				return cmdutil.FlagErrorf("--list: shows the backups; it takes no BACKUP, --dry-run or --yes")
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.List {
				return restoreListRun(c.Context(), opts)
			}
			return restoreRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&opts.List, "list", "l", false, "List the backups, newest first")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show what the restore would change, but write nothing")
	fl.BoolVar(&opts.AllowHTTP, "allow-http", false, "Accept http URLs on loopback hosts (local development)")
	fl.BoolVar(&opts.Force, "force", false, "Restore numbers the domain no longer owns")
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	addAPIFlag(cmd, &opts.Deps)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

func restoreListRun(ctx context.Context, opts *RestoreOptions) error {
	_, w, err := opts.openWriter(ctx)
	if err != nil {
		return err
	}
	list, err := w.Backups.List()
	if err != nil {
		return err
	}
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, list)
	}
	if len(list) == 0 {
		return cmdutil.NewNoResultsError("no backups of this domain's routes yet in " + w.Backups.Dir)
	}
	t := output.NewTable(opts.IO, "name", "time", "routes")
	for _, b := range list {
		t.Row(b.Name, b.Time.UTC().Format(time.RFC3339), strconv.Itoa(b.Entries))
	}
	return t.Render()
}

// restoreResult is what `routes restore --json` prints.
type restoreResult struct {
	Backup   string             `json:"backup"` // the backup restored
	Plan     *routes.PlanResult `json:"plan"`
	Restored bool               `json:"restored"`
	DryRun   bool               `json:"dry_run,omitempty"`
	Saved    string             `json:"saved,omitempty"` // the backup of the routes replaced
}

func restoreRun(ctx context.Context, opts *RestoreOptions) error {
	s, w, err := opts.openWriter(ctx)
	if err != nil {
		return err
	}
	name := opts.Backup
	var saved []daily.PinlessDialinEntry
	if name == "" {
		var info routes.BackupInfo
		info, saved, err = w.Backups.Latest()
		if errors.Is(err, routes.ErrNoBackups) {
			return fmt.Errorf("no backups of this domain's routes in %s", w.Backups.Dir)
		}
		name = info.Name
	} else {
		saved, err = w.Backups.Load(name)
	}
	if err != nil {
		return err
	}
	cur, err := s.read(ctx, opts.IO)
	if err != nil {
		return err
	}
	p := routes.Diff(cur, saved)
	res := restoreResult{Backup: name, Plan: p, DryRun: opts.DryRun}
	if p.BaseHash == routes.Hash(saved) {
		opts.IO.Infof("The routes already are as in %s; nothing to restore.", name)
		return writeJSON(opts.Exporter, opts.Deps, res)
	}
	in := specInputs{AllowHTTP: opts.AllowHTTP, Force: opts.Force}
	vopts, err := in.validateOptions(ctx, opts.IO, s, saved)
	if err != nil {
		return err
	}
	vopts.Only = p.ChangedKeys()
	if err := badInput(routes.Validate(saved, vopts)); err != nil {
		return err
	}
	if opts.Exporter == nil {
		fmt.Fprintf(opts.IO.Out, "Restoring %s:\n\n", name)
		if err := renderPlan(opts.IO.Out, p, output.NewColorScheme(opts.IO)); err != nil {
			return err
		}
		if !p.HasChanges() {
			opts.IO.Infof("The routes differ from the backup only in order or in fields dialin does not show (sip_uri, unknown fields).")
		}
	}
	if opts.DryRun {
		opts.IO.Infof("Dry run: nothing written.")
		return writeJSON(opts.Exporter, opts.Deps, res)
	}
	if err := cmdutil.Confirm(opts.IO, opts.Yes, "Replace the routes with "+name+"?"); err != nil {
		return err
	}
	wr, err := opts.writeRoutes(ctx, s, w, routes.RestoreGuard(saved, p.BaseHash))
	if err != nil {
		return badInput(err)
	}
	res.Restored, res.Saved = wr.Changed, wr.Backup
	cs := output.NewErrColorScheme(opts.IO)
	fmt.Fprintf(opts.IO.ErrOut, "%s Restored %d route(s) from %s (read back and verified)\n", cs.SuccessIcon(), len(saved), name)
	opts.IO.Infof("Backup of the routes it replaced: %s", wr.Backup)
	return writeJSON(opts.Exporter, opts.Deps, res)
}
