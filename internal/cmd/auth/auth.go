// Package auth implements `dialin auth login/status/logout`: storing, checking and removing
// the Daily API key of a profile. The key is read from a hidden prompt or from stdin, never
// from a flag (argv is visible to every user of the machine), and is never printed.
package auth

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
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

// checkKey asks Daily for the domain the client's key belongs to (GET /), with a spinner on
// a terminal: login checks a key before storing it, status shows what the key reaches.
func checkKey(ctx context.Context, ios *iostreams.IOStreams, client *daily.Client) (*daily.Domain, error) {
	var domain *daily.Domain
	err := ios.WithProgress("Checking the API key with Daily", func() error {
		var err error
		domain, err = client.Domain(ctx)
		return err
	})
	return domain, err
}
