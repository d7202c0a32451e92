// Package calls implements `dialin calls`: `update` (POST /dialin/pinlessCallUpdate, which
// takes a pinless dial-in call off hold and patches it into a room's SIP endpoint, the manual
// form of what a bot or `dialin serve` does once per call after dialin-ready), and list,
// show, tail and replay, which read a running serve's call history over its admin listener
// (pkg/dialin/serve/admin).
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
		Short:   "See the calls serve took, and patch held calls into rooms",
		Long: "list, show, tail and replay read the call history of a running `dialin serve` from its\n" +
			"admin listener (--serve, default http://127.0.0.1:7861): why a call was not answered, and\n" +
			"where the caller's wait went (docs/calls.md).\n\n" +
			"A pinless dial-in call waits on hold until pinlessCallUpdate sends it to a room's SIP\n" +
			"endpoint. Normally the bot does this on dialin-ready; `calls update` does it by hand.",
	}
	cmd.AddCommand(NewCmdList(f), NewCmdShow(f), NewCmdTail(f), NewCmdReplay(f), NewCmdUpdate(f, nil))
	return cmd
}
