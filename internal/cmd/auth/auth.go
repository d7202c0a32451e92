// Package auth implements `dialin auth login/status/logout`: storing, checking and removing
// the Daily API key of a profile. The key is read from a hidden prompt or from stdin, never
// from a flag (argv is visible to every user of the machine), and is never printed.
package auth

import (
	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
)

// NewCmdAuth is the `auth` group.
func NewCmdAuth(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth <command>",
		Short: "Log in to Daily, check or remove the stored API key",
		Long: "Store the Daily API key of a profile in credentials.yaml (mode 0600), check it, or remove it.\n\n" +
			"DAILY_API_KEY, when set, is used instead of the stored key (for CI).",
	}
	cmd.AddCommand(NewCmdLogin(f, nil))
	cmd.AddCommand(NewCmdStatus(f, nil))
	cmd.AddCommand(NewCmdLogout(f, nil))
	return cmd
}
