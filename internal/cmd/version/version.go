// Package version implements `dialin version`.
package version

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/build"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
)

// Options are the inputs of `dialin version`.
type Options struct {
	IO       *iostreams.IOStreams
	Info     build.Info
	Exporter cmdutil.Exporter
}

// NewCmdVersion builds the command; runF replaces the run function in tests.
func NewCmdVersion(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Info: build.Get()}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of dialin",
		Args:  cobra.NoArgs,
		Example: "  dialin version\n" +
			"  dialin version --jq .version",
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		},
	}
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

type versionJSON struct {
	build.Info
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func run(opts *Options) error {
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, versionJSON{
			Info: opts.Info, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		})
	}
	_, err := fmt.Fprintln(opts.IO.Out, Format(opts.Info))
	return err
}

// Format is the one-line version: "dialin version v1.2.3 (commit 0123456789ab, built DATE)".
// The root command's --version prints the same line.
func Format(info build.Info) string {
	s := "dialin version " + info.Version
	commit := info.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	switch {
	case commit != "" && info.Date != "":
		s += fmt.Sprintf(" (commit %s, built %s)", commit, info.Date)
	case commit != "":
		s += fmt.Sprintf(" (commit %s)", commit)
	case info.Date != "":
		s += fmt.Sprintf(" (built %s)", info.Date)
	}
	return s
}
