package configcmd

import (
	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
)

// ListOptions are the inputs of `dialin config list`.
type ListOptions struct {
	IO       *iostreams.IOStreams
	Config   func() (*config.Config, error)
	Exporter cmdutil.Exporter
}

// NewCmdList builds `config list`; runF replaces the run function in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "Show every setting of the active profile and where its value comes from",
		Example: "  dialin config list\n" +
			"  dialin config list --json",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

func listRun(opts *ListOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	if err := readableProfile(cfg); err != nil {
		return err
	}
	values := cfg.List()
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, values)
	}
	t := output.NewTable(opts.IO, "key", "value", "source")
	for _, v := range values {
		t.Row(v.Key, v.Value, sourceCell(v.Origin))
	}
	return t.Render()
}

// sourceCell is a short origin: "default", "file", "env DAILY_API_URL", "flag --api-url".
func sourceCell(o config.Origin) string {
	switch o.Source {
	case config.SourceEnv, config.SourceFlag:
		return string(o.Source) + " " + o.Name
	}
	return string(o.Source)
}
