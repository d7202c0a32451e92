// Package simulate implements `dialin simulate call`: a dial-in call without a phone. It
// sends a correctly signed dial-in webhook to a serve URL and prints serve's answer (as
// stripe's `trigger` does), or, with --emulator, places the call through a Daily emulator
// and follows its timeline until the caller is connected or lost.
package simulate

import (
	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
)

// NewCmdSimulate is the `simulate` group.
func NewCmdSimulate(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "simulate <command>",
		Short: "Simulate incoming calls against serve or the emulator",
		Long: "Try `dialin serve` (or your own webhook) without a phone: send a signed dial-in webhook\n" +
			"as Daily would, or place a call through `dialin emulator` and watch it connect.",
	}
	cmd.AddCommand(NewCmdCall(f, nil))
	return cmd
}
