package routescmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// How `routes export` writes hmac secrets.
const (
	SecretsEnv     = "env"     // hmac: ${DIALIN_HMAC_<KEY>}, read from the environment by plan
	SecretsOmit    = "omit"    // no hmac: plans keep the live secrets
	SecretsInclude = "include" // the secrets themselves (do not commit the file)
)

// ExportOptions are the inputs of `dialin routes export`.
type ExportOptions struct {
	Deps

	Output         string
	Secrets        string
	IncludeSecrets bool
}

// NewCmdExport builds `routes export`; runF replaces the run function in tests.
func NewCmdExport(f *cmdutil.Factory, runF func(*ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{Deps: newDeps(f)}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the live routes as a routes file for plan and apply",
		Long: "Write the domain's routes in the routes file format, so that adopting an existing domain for\n" +
			"`routes plan`/`routes apply` is one command: planning the exported file shows no changes.\n\n" +
			"Secrets stay out of the file: each hmac is written as ${DIALIN_HMAC_<NUMBER>} (or\n" +
			"${DIALIN_HMAC_SIP_<NAME>}), an environment variable that plan and apply read, for CI's\n" +
			"secret store; the file says unset_hmac: keep, so where a variable is not set the live secret\n" +
			"is kept (and http loopback webhooks are accepted with allow_http: true). --secrets omit leaves\n" +
			"hmac out (plans then keep the live secrets);\n" +
			"--include-secrets writes them literally (the file is then written 0600: do not commit it).",
		Example: "  dialin routes export > routes.yaml\n" +
			"  dialin routes export --secrets omit -o routes.yaml",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.checkFlags(); err != nil {
				return err
			}
			if opts.IncludeSecrets {
				if c.Flags().Changed("secrets") && opts.Secrets != SecretsInclude {
					return cmdutil.FlagErrorf("--include-secrets and --secrets %s: give one", opts.Secrets)
				}
				opts.Secrets = SecretsInclude
			}
			switch opts.Secrets {
			case SecretsEnv, SecretsOmit, SecretsInclude:
			default:
				return cmdutil.FlagErrorf("--secrets: must be %s, %s or %s", SecretsEnv, SecretsOmit, SecretsInclude)
			}
			if runF != nil {
				return runF(opts)
			}
			return exportRun(c.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "Write to `FILE` instead of stdout")
	cmd.Flags().StringVar(&opts.Secrets, "secrets", SecretsEnv, "How to write hmac secrets: env (${VAR} placeholders), omit, include")
	cmd.Flags().BoolVar(&opts.IncludeSecrets, "include-secrets", false, "Write the hmac secrets literally (same as --secrets include)")
	_ = cmd.RegisterFlagCompletionFunc("secrets", cobra.FixedCompletions([]string{SecretsEnv, SecretsOmit, SecretsInclude}, cobra.ShellCompDirectiveNoFileComp))
	addAPIFlag(cmd, &opts.Deps)
	return cmd
}

func exportRun(ctx context.Context, opts *ExportOptions) error {
	_, entries, err := opts.openRead(ctx)
	if err != nil {
		return err
	}
	eo := routes.ExportOptions{IncludeSecrets: opts.Secrets == SecretsInclude}
	if opts.Secrets == SecretsEnv {
		eo.HMACEnv, eo.KeepUnsetHMAC = routes.HMACEnvName, true
	}
	data, err := routes.ExportSpec(entries, eo)
	if err != nil {
		return err
	}
	if opts.Output == "" {
		if _, err := opts.IO.Out.Write(data); err != nil {
			return err
		}
	} else {
		mode := os.FileMode(0o644)
		if eo.IncludeSecrets {
			mode = 0o600
		}
		if err := writeFileAtomic(opts.Output, data, mode); err != nil {
			return err
		}
		opts.IO.Infof("Wrote %d route(s) to %s", len(entries), opts.Output)
	}
	if opts.Secrets == SecretsEnv {
		var names []string
		for _, e := range entries {
			if e.HMAC != "" {
				names = append(names, routes.HMACEnvName(routes.KeyOf(e)))
			}
		}
		if len(names) > 0 {
			opts.IO.Infof("The file reads %d secret(s) from the environment: %s. Where one is not set, planning "+
				"keeps the live secret (unset_hmac: keep); set them in CI to manage the secrets "+
				"(the values: `dialin routes list --show-secrets`).",
				len(names), strings.Join(names, ", "))
		}
	}
	if eo.IncludeSecrets && opts.Output == "" && opts.IO.IsStdoutTTY() {
		warnf(opts.IO, "the output holds hmac secrets; do not commit it")
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file in the same directory, so a
// reader never sees half a file, with the given mode from the start.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".dialin-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
