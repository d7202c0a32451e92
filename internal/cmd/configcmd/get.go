package configcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
)

// GetOptions are the inputs of `dialin config get`.
type GetOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Key    string
}

// NewCmdGet builds `config get KEY`; runF replaces the run function in tests.
func NewCmdGet(f *cmdutil.Factory, runF func(*GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "get KEY",
		Short: "Print the value of a setting for the active profile",
		Example: "  dialin config get api_url\n" +
			"  dialin config get default_country --profile staging",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Key = args[0]
			if !knownKey(opts.Key) {
				return unknownKey(opts.Key)
			}
			if runF != nil {
				return runF(opts)
			}
			return getRun(opts)
		},
	}
}

func getRun(opts *GetOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	if err := readableProfile(cfg); err != nil {
		return err
	}
	value := cfg.DefaultProfile()
	if opts.Key != defaultProfileKey {
		v, err := cfg.Get(opts.Key)
		if err != nil {
			return err
		}
		value = v.Value
	}
	_, err = fmt.Fprintln(opts.IO.Out, value)
	return err
}
