// Package tokens implements `dialin tokens create`: a meeting token for one room, asked of
// Daily (POST /meeting-tokens) or signed locally with the API key (--local), the way Daily
// documents self-signed tokens. The token is the command's output and goes to stdout only.
package tokens

import (
	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
)

// NewCmdTokens is the `tokens` group.
func NewCmdTokens(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "tokens <command>",
		Aliases: []string{"token"},
		Short:   "Create meeting tokens for rooms",
		Long: "A meeting token admits its holder (a bot, a test participant) to one room, optionally as\n" +
			"owner. Treat it as a secret until it expires.",
	}
	cmd.AddCommand(NewCmdCreate(f, nil))
	return cmd
}
