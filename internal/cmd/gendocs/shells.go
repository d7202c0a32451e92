package gendocs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/spf13/cobra"
)

// Completion file names, as the packages install them: bash-completion loads
// completions/<command>, zsh's compinit wants _<command> on $fpath, fish loads
// <command>.fish from vendor_completions.d, and PowerShell users dot-source the .ps1.
func completionFiles(name string) map[string]func(*cobra.Command, *bytes.Buffer) error {
	return map[string]func(*cobra.Command, *bytes.Buffer) error{
		name + ".bash": func(c *cobra.Command, b *bytes.Buffer) error { return c.GenBashCompletionV2(b, true) },
		"_" + name:     func(c *cobra.Command, b *bytes.Buffer) error { return c.GenZshCompletion(b) },
		name + ".fish": func(c *cobra.Command, b *bytes.Buffer) error { return c.GenFishCompletion(b, true) },
		name + ".ps1":  func(c *cobra.Command, b *bytes.Buffer) error { return c.GenPowerShellCompletionWithDesc(b) },
	}
}

// writeCompletions writes the four completion scripts. They call `dialin __complete` at
// completion time, so they only change when cobra's generator does.
func writeCompletions(root *cobra.Command, dir string) error {
	for file, gen := range completionFiles(root.Name()) {
		var b bytes.Buffer
		if err := gen(root, &b); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if err := os.WriteFile(filepath.Join(dir, file), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// renderTopicMan renders a help topic as a man page with the same header as cobra's pages.
// The topic's text is laid out by hand (aligned columns), so it goes in verbatim.
func renderTopicMan(path, short, long string) []byte {
	h := manHeader()
	title := strings.ToUpper(strings.ReplaceAll(path, " ", `\-`))
	parent := strings.Fields(path)[0]
	var b strings.Builder
	fmt.Fprintf(&b, "%% \"%s\" \"%s\" \"%s\" \"%s\" \"%s\"\n", title, h.Section, h.Date.Format("Jan 2006"), h.Source, h.Manual)
	fmt.Fprintf(&b, "# NAME\n%s \\- %s\n\n", strings.ReplaceAll(path, " ", "-"), short)
	fmt.Fprintf(&b, "# SYNOPSIS\n**%s**\n\n", path)
	fmt.Fprintf(&b, "# DESCRIPTION\n```\n%s\n```\n\n", strings.TrimRight(long, "\n"))
	fmt.Fprintf(&b, "# SEE ALSO\n**%s(%s)**\n", parent, h.Section)
	return md2man.Render([]byte(b.String()))
}
