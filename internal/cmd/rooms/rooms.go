// Package rooms implements `dialin rooms create/list/get/delete`: Daily rooms, above all the
// SIP dial-in rooms a held PSTN call is patched into (sip_mode "dial-in", one SIP URI per
// endpoint). Every value is checked against Daily's rules before a request is sent.
package rooms

import (
	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
)

// NewCmdRooms is the `rooms` group.
func NewCmdRooms(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "rooms <command>",
		Aliases: []string{"room"},
		Short:   "Create, list, show and delete Daily rooms (SIP dial-in rooms)",
		Long: "A pinless dial-in call waits on hold until it is patched into a SIP dial-in room:\n" +
			"`rooms create --sip` makes one and prints its SIP URI, the target of `dialin calls update`.",
	}
	cmd.AddCommand(NewCmdCreate(f, nil))
	cmd.AddCommand(NewCmdList(f, nil))
	cmd.AddCommand(NewCmdGet(f, nil))
	cmd.AddCommand(NewCmdDelete(f, nil))
	return cmd
}
