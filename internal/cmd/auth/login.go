package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// LoginOptions are the inputs of `dialin auth login`.
type LoginOptions struct {
	IO        *iostreams.IOStreams
	Config    func() (*config.Config, error)
	NewClient func(apiKey, apiURL string) (*daily.Client, error)

	WithToken    bool // read the key from stdin
	PipecatCloud bool // the key is a Pipecat Cloud key for serve's pipecat_cloud bots
}

// NewCmdLogin builds `auth login`; runF replaces the run function in tests.
func NewCmdLogin(f *cmdutil.Factory, runF func(*LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{IO: f.IOStreams, Config: f.Config, NewClient: f.NewDailyClientAt}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Check a Daily API key and store it for the profile",
		Long: "Check a Daily API key with Daily (GET /) and store it in credentials.yaml (mode 0600)\n" +
			"for the active profile (--profile, DIALIN_PROFILE, default_profile, or \"default\").\n\n" +
			"The key is checked against --api-url, DAILY_API_URL or api_url (else the URL of the\n" +
			"profile's last login, else Daily), and stored with that URL: commands send the stored\n" +
			"key there and nowhere else, unless --api-url or DAILY_API_URL says otherwise.\n\n" +
			"On a terminal the key is asked for without echo. Otherwise pass it on stdin with\n" +
			"--with-token. The key is never accepted as a flag value: argv is visible to other users.\n\n" +
			"With --pipecat-cloud the key is a Pipecat Cloud public key, which `dialin serve` uses to\n" +
			"start pipecat_cloud bots when PIPECAT_CLOUD_API_KEY is not set. It is stored as it is,\n" +
			"not checked: Pipecat Cloud refuses a wrong key at the first call.",
		Example: "  dialin auth login\n" +
			"  dialin auth login --with-token < daily-key.txt\n" +
			"  dialin auth login --profile staging\n" +
			"  DAILY_API_URL=http://127.0.0.1:8089/v1 dialin auth login --profile emulator\n" +
			"  dialin auth login --pipecat-cloud --with-token < pipecat-cloud-key.txt",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if !opts.WithToken && !opts.IO.IsStdinTTY() {
				return cmdutil.FlagErrorf("--with-token: required when stdin is not a terminal (pipe the key in: dialin auth login --with-token < key.txt)")
			}
			if runF != nil {
				return runF(opts)
			}
			return loginRun(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.WithToken, "with-token", false, "Read the API key from standard input")
	cmd.Flags().BoolVar(&opts.PipecatCloud, "pipecat-cloud", false, "Store a Pipecat Cloud public key for serve's pipecat_cloud bots instead")
	return cmd
}

func loginRun(ctx context.Context, opts *LoginOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	if opts.PipecatCloud {
		return storePipecatCloudKey(opts, cfg)
	}
	key, err := readKey(opts, "Paste your Daily API key (input hidden): ")
	if err != nil {
		return err
	}
	if err := config.ValidateAPIKey(key); err != nil {
		return cmdutil.FlagErrorWrap(err)
	}
	apiURL, err := cfg.LoginAPIURL()
	if err != nil {
		return err
	}
	client, err := opts.NewClient(key, apiURL)
	if err != nil {
		return err
	}
	domain, err := checkKey(ctx, opts.IO, client)
	if err != nil {
		if daily.IsAuth(err) {
			return fmt.Errorf("Daily refused the API key, nothing was stored: %w", err)
		}
		return fmt.Errorf("checking the API key: %w", err)
	}
	if err := cfg.SetAPIKeyFor(key, apiURL); err != nil {
		return fmt.Errorf("storing the API key: %w", err)
	}
	cs := output.NewErrColorScheme(opts.IO)
	fmt.Fprintf(opts.IO.ErrOut, "%s Logged in to domain %s (profile %s)\n", cs.SuccessIcon(), cs.Bold(domain.Name), cfg.Profile())
	opts.IO.Infof("Key stored in %s, for %s only", cfg.CredentialsFile(), apiURL)
	if _, origin := cfg.APIKey(); origin.Source == config.SourceEnv {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s is set and is used instead of the stored key until you unset it\n",
			cs.WarningIcon(), config.EnvAPIKey)
	}
	return nil
}

// maxKeyInput bounds what --with-token reads: a key, not a file someone piped by mistake.
const maxKeyInput = 4096

func readKey(opts *LoginOptions, prompt string) (string, error) {
	if opts.WithToken {
		b, err := io.ReadAll(io.LimitReader(opts.IO.In, maxKeyInput+1))
		if err != nil {
			return "", fmt.Errorf("reading the API key from stdin: %w", err)
		}
		if len(b) > maxKeyInput {
			return "", cmdutil.FlagErrorf("API key: stdin holds more than %d bytes; pipe only the key", maxKeyInput)
		}
		return strings.TrimSpace(string(b)), nil
	}
	key, err := opts.IO.ReadSecret(prompt)
	if errors.Is(err, io.EOF) {
		return "", cmdutil.ErrCancel
	}
	return strings.TrimSpace(key), err
}

// storePipecatCloudKey stores a Pipecat Cloud key for the profile. There is nothing to check
// it against without starting an agent, so only its shape is checked.
func storePipecatCloudKey(opts *LoginOptions, cfg *config.Config) error {
	key, err := readKey(opts, "Paste your Pipecat Cloud public key (input hidden): ")
	if err != nil {
		return err
	}
	if err := cfg.SetPipecatCloudKey(key); err != nil {
		var iv *config.InvalidValueError
		if errors.As(err, &iv) {
			return cmdutil.FlagErrorWrap(err)
		}
		return fmt.Errorf("storing the Pipecat Cloud key: %w", err)
	}
	cs := output.NewErrColorScheme(opts.IO)
	fmt.Fprintf(opts.IO.ErrOut, "%s Pipecat Cloud key stored for profile %s in %s\n", cs.SuccessIcon(), cfg.Profile(), cfg.CredentialsFile())
	if _, origin := cfg.PipecatCloudKey(); origin.Source == config.SourceEnv {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s is set and is used instead of the stored key until you unset it\n",
			cs.WarningIcon(), config.EnvPipecatCloudKey)
	}
	return nil
}
