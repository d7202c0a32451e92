package auth

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
)

// LogoutOptions are the inputs of `dialin auth logout`.
type LogoutOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Yes    bool
}

// NewCmdLogout builds `auth logout`; runF replaces the run function in tests.
func NewCmdLogout(f *cmdutil.Factory, runF func(*LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Remove the API key stored for the profile",
		Long: "Remove the active profile's API key from credentials.yaml. The key itself stays valid\n" +
			"at Daily; rotate it in the Daily dashboard if it may have leaked.",
		Example: "  dialin auth logout\n" +
			"  dialin auth logout --profile staging --yes",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return logoutRun(opts)
		},
	}
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	return cmd
}

func logoutRun(opts *LogoutOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	_, origin := cfg.APIKey()
	envSet := origin.Source == config.SourceEnv
	if !cfg.HasStoredAPIKey(cfg.Profile()) {
		if envSet {
			return fmt.Errorf("no API key stored for profile %q; the key in use comes from %s: unset it instead", cfg.Profile(), config.EnvAPIKey)
		}
		return fmt.Errorf("no API key stored for profile %q", cfg.Profile())
	}
	if err := cmdutil.Confirm(opts.IO, opts.Yes, fmt.Sprintf("Remove the API key stored for profile %q?", cfg.Profile())); err != nil {
		return err
	}
	if _, err := cfg.DeleteAPIKey(); err != nil {
		return fmt.Errorf("removing the API key: %w", err)
	}
	cs := output.NewErrColorScheme(opts.IO)
	fmt.Fprintf(opts.IO.ErrOut, "%s Removed the API key of profile %s from %s\n", cs.SuccessIcon(), cfg.Profile(), cfg.CredentialsFile())
	if envSet {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s is still set and still gives access\n", cs.WarningIcon(), config.EnvAPIKey)
	}
	return nil
}
