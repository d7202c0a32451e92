package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
)

// MarkUsageErrors walks the command tree so that every usage mistake becomes a *FlagError
// (exit 64) instead of cobra's plain errors: flag parse errors, wrong argument counts, and
// unknown subcommands. A group command (one with subcommands and no Run of its own) prints
// its help when called bare and fails with "unknown command" when given an argument, instead
// of cobra's default of printing help and exiting 0. root.NewCmdRoot calls it once after
// every command is registered; command tests may call it on the command under test.
func MarkUsageErrors(root *cobra.Command) {
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError(c, err) })
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.HasSubCommands() && !c.Runnable() {
			c.Args = cobra.ArbitraryArgs
			c.RunE = groupRunE
		} else if c.Args != nil && c.Annotations[argsWrapped] == "" {
			args := c.Args
			c.Args = func(cmd *cobra.Command, a []string) error { return usageError(cmd, args(cmd, a)) }
			if c.Annotations == nil {
				c.Annotations = map[string]string{}
			}
			c.Annotations[argsWrapped] = "true"
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// argsWrapped marks a command whose Args already return FlagErrors, so a second
// MarkUsageErrors does not wrap twice.
const argsWrapped = "dialin/args-usage-errors"

// usageError marks err as a FlagError with a pointer to the command's help.
func usageError(c *cobra.Command, err error) error {
	if err == nil {
		return nil
	}
	return WithHint(FlagErrorWrap(err), "run `"+c.CommandPath()+" --help` for usage")
}

func groupRunE(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return c.Help()
	}
	err := FlagErrorf("unknown command %q for %q", args[0], c.CommandPath())
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2 // cobra's own default, which it only sets for the root
	}
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		return WithHint(err, "did you mean "+strings.Join(s, " or ")+"?")
	}
	return WithHint(err, "run `"+c.CommandPath()+" --help` to see its commands")
}
