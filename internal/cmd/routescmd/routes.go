// Package routes implements `dialin routes`: the domain's pinless dial-in routes, changed
// without ever losing anyone else's (list, set, remove, export, restore), declaratively from
// a YAML file for CI (plan, apply) and explained (explain). The logic lives in
// pkg/dialin/routes; these commands parse flags, ask, and render.
//
// Where dialin keeps state: every write first saves the routes as a backup, and writers on
// one machine take a lock file, both under the state directory (DIALIN_STATE_DIR, else
// $XDG_STATE_HOME/dialin, else ~/.local/state/dialin; %LocalAppData%\dialin\state on
// Windows), in domains/<domain id>/ (backups/ and routes.lock), created 0700. Backups are
// per domain so that a backup can never be restored onto another domain by mistake; the
// newest 100 are kept. State, not config: backups are precious but machine-local, and
// config directories are often shared or committed.
//
// Which API holds the routes: --api pinless (default) works on the domain's pinless_dialin
// array (GET / and POST /); --api configs on /domain-dialin-config objects of type
// pinless_dialin, one request per changed entry. The profile setting routes_api sets the
// default. Daily does not document whether the two share state; dialin assumes they do
// (the emulator keeps one store) and advises using one of them per domain.
package routescmd

import (
	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
)

// NewCmdRoutes is the `routes` group.
func NewCmdRoutes(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "routes <command>",
		Short: "Manage pinless dial-in routes without losing anyone else's",
		Long: "A route sends calls to one of the domain's numbers (or SIP-interconnect address) to your webhook.\n\n" +
			"Daily keeps all routes in one array that every write replaces whole, and gives an entry written\n" +
			"without its hmac a new secret. dialin reads the array, changes one entry, saves a backup, writes\n" +
			"and reads back to check that nothing else changed. For CI, plan and apply a YAML file.\n\n" +
			"Backups and the lock file live in the state directory (DIALIN_STATE_DIR, else\n" +
			"$XDG_STATE_HOME/dialin, else ~/.local/state/dialin), one subdirectory per domain.",
		Example: "  dialin routes list\n" +
			"  dialin routes set --number +14155550100 --url https://bots.example.com/dialin --generate-hmac\n" +
			"  dialin routes export > routes.yaml\n" +
			"  dialin routes plan -f routes.yaml --detailed-exitcode\n" +
			"  dialin routes explain --to '+1 (415) 555-0100'",
	}
	cmd.AddCommand(NewCmdList(f, nil))
	cmd.AddCommand(NewCmdSet(f, nil))
	cmd.AddCommand(NewCmdRemove(f, nil))
	cmd.AddCommand(NewCmdExport(f, nil))
	cmd.AddCommand(NewCmdRestore(f, nil))
	cmd.AddCommand(NewCmdPlan(f, nil))
	cmd.AddCommand(NewCmdApply(f, nil))
	cmd.AddCommand(NewCmdExplain(f, nil))
	return cmd
}
