package configcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
)

// SetOptions are the inputs of `dialin config set`.
type SetOptions struct {
	IO         *iostreams.IOStreams
	Config     func() (*config.Config, error)
	Key, Value string
}

// NewCmdSet builds `config set KEY VALUE`; runF replaces the run function in tests.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{IO: f.IOStreams, Config: f.Config}
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Store a setting for the active profile in config.yaml",
		Example: "  dialin config set default_country GB\n" +
			"  dialin config set api_url http://127.0.0.1:4000/v1 --profile emulator\n" +
			"  dialin config set default_profile staging",
		Args: cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Key, opts.Value = args[0], args[1]
			if !knownKey(opts.Key) {
				return unknownKey(opts.Key)
			}
			if opts.Key == defaultProfileKey {
				if err := config.ValidateProfile(opts.Value); err != nil {
					return cmdutil.FlagErrorWrap(err)
				}
			} else if _, err := config.Normalize(opts.Key, opts.Value); err != nil {
				return cmdutil.FlagErrorWrap(err)
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(opts)
		},
	}
}

func setRun(opts *SetOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	cs := output.NewErrColorScheme(opts.IO)
	if opts.Key == defaultProfileKey {
		if err := cfg.SetDefaultProfile(opts.Value); err != nil {
			return err
		}
		opts.IO.Infof("%s Default profile is now %s", cs.SuccessIcon(), opts.Value)
		return nil
	}
	stored, err := cfg.Set(opts.Key, opts.Value)
	if err != nil {
		return err
	}
	opts.IO.Infof("%s Set %s to %s for profile %s", cs.SuccessIcon(), opts.Key, stored, cfg.Profile())
	if v, _ := cfg.Get(opts.Key); v.Source == config.SourceEnv || v.Source == config.SourceFlag {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s overrides it in this shell\n", cs.WarningIcon(), v.Describe())
	}
	return nil
}
