package cmdutil

import (
	"errors"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/iostreams"
)

// AddYesFlag adds -y/--yes, which skips confirmation prompts and is required when not
// running interactively.
func AddYesFlag(cmd *cobra.Command, target *bool) {
	cmd.Flags().BoolVarP(target, "yes", "y", false, "Do not ask for confirmation")
}

// Confirm asks question (e.g. "Buy +14155550100?") before a change that costs money or
// deletes something. It returns nil when yes is set or the user answers y/yes; ErrCancel when
// the user answers no (or just Enter, or closes stdin); context.Canceled on Ctrl-C; and a
// FlagError when nobody can be asked (stdin or stdout is not a terminal).
func Confirm(ios *iostreams.IOStreams, yes bool, question string) error {
	if yes {
		return nil
	}
	if !ios.CanPrompt() {
		return FlagErrorf("%s: refusing without --yes when not running interactively",
			strings.TrimSuffix(strings.TrimSpace(question), "?"))
	}
	for {
		answer, err := ios.Prompt(question + " [y/N] ")
		if errors.Is(err, io.EOF) {
			return ErrCancel
		}
		if err != nil {
			return err
		}
		switch strings.ToLower(strings.TrimSpace(answer)) {
		case "y", "yes":
			return nil
		case "", "n", "no":
			return ErrCancel
		}
		ios.Infof("Please answer y or n.")
	}
}
