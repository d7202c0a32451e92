// Package gendocs implements the hidden `dialin gendocs --dir DIR`, which writes the reference
// documentation and shell completions that are committed to the repository:
//
//	DIR/docs/reference/*.md   one markdown page per command and help topic (cobra/doc)
//	DIR/docs/man/*.1          one man page per command and help topic
//	DIR/completions/          dialin.bash, _dialin (zsh), dialin.fish, dialin.ps1
//
// The output depends only on the command tree: no generation date, no "Auto generated"
// footer, a fixed man-page date, so CI can regenerate it and fail on any difference
// (scripts/check-generated.sh), and goreleaser's before hook can regenerate it for archives
// and packages.
package gendocs

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
)

// Options are the inputs of `dialin gendocs`.
type Options struct {
	Dir string
}

// NewCmdGendocs builds the hidden command; it generates the docs of the tree it is part of.
func NewCmdGendocs(f *cmdutil.Factory) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:    "gendocs --dir DIR",
		Short:  "Write reference docs, man pages and shell completions (for maintainers)",
		Hidden: true,
		Args:   cobra.NoArgs,
		Example: "  # regenerate what is committed, from the repository root\n" +
			"  go run ./cmd/dialin gendocs --dir .",
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Dir == "" {
				return cmdutil.FlagErrorf("--dir: must not be empty")
			}
			if err := Generate(c.Root(), opts.Dir); err != nil {
				return err
			}
			_, err := fmt.Fprintf(f.IOStreams.ErrOut, "Wrote docs/reference, docs/man and completions under %s\n", opts.Dir)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "Directory to write docs/reference, docs/man and completions into (required)")
	_ = cmd.MarkFlagRequired("dir")
	_ = cmd.MarkFlagDirname("dir")
	return cmd
}
