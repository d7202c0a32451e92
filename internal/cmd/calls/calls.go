// Package calls implements `dialin calls update`: POST /dialin/pinlessCallUpdate, which
// takes a pinless dial-in call off hold and patches it into a room's SIP endpoint. It is the
// manual form of what a bot (or `dialin serve`) does once per call after dialin-ready.
package calls

import (
	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
)

// NewCmdCalls is the `calls` group.
func NewCmdCalls(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "calls <command>",
		Aliases: []string{"call"},
		Short:   "Patch held dial-in calls into rooms",
		Long: "A pinless dial-in call waits on hold until pinlessCallUpdate sends it to a room's SIP\n" +
			"endpoint. Normally the bot does this on dialin-ready; `calls update` does it by hand.",
	}
	cmd.AddCommand(NewCmdUpdate(f, nil))
	return cmd
}
