// Package configcmd implements `dialin config get/set/list/profiles`: the settings of the
// active profile in config.yaml. Credentials are not settings: see `dialin auth`.
package configcmd

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
)

// defaultProfileKey is the one global (not per-profile) key get and set accept.
const defaultProfileKey = "default_profile"

// NewCmdConfig is the `config` group.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config <command>",
		Short: "Read and change settings of a profile",
		Long: "Settings live in config.yaml in the config directory, per profile. Each one resolves\n" +
			"flag > environment > config.yaml > default.\n\nKeys:\n" + keyHelp() +
			"  default_profile  Profile used when neither --profile nor DIALIN_PROFILE is given (global)\n",
	}
	cmd.AddCommand(NewCmdGet(f, nil))
	cmd.AddCommand(NewCmdSet(f, nil))
	cmd.AddCommand(NewCmdList(f, nil))
	cmd.AddCommand(NewCmdProfiles(f, nil))
	return cmd
}

func keyHelp() string {
	var b strings.Builder
	for _, k := range config.Keys() {
		b.WriteString("  " + k.Name + strings.Repeat(" ", max(1, 17-len(k.Name))) + k.Description)
		b.WriteString(" (default " + k.Default)
		if k.Env != "" {
			b.WriteString("; env " + k.Env)
		}
		b.WriteString(")\n")
	}
	return b.String()
}

// keyNames is the list shown when a key is unknown.
func keyNames() []string {
	names := []string{}
	for _, k := range config.Keys() {
		names = append(names, k.Name)
	}
	return append(names, defaultProfileKey)
}

func unknownKey(key string) error {
	return cmdutil.FlagErrorf("key %q: unknown; known keys: %s", key, strings.Join(keyNames(), ", "))
}

// readableProfile refuses to read the settings of a profile that does not exist: reading it
// would print the defaults as if they were that profile's (a typo in --profile answered
// silently).
func readableProfile(cfg *config.Config) error {
	if cfg.ProfileExists(cfg.Profile()) {
		return nil
	}
	var known []string
	for _, p := range cfg.Profiles() {
		if p.Name != cfg.Profile() {
			known = append(known, p.Name)
		}
	}
	return cmdutil.WithHint(cmdutil.FlagErrorf("profile %q (from %s): no such profile; known profiles: %s",
		cfg.Profile(), cfg.ProfileOrigin().Describe(), strings.Join(known, ", ")),
		"create it with `dialin config set KEY VALUE --profile "+cfg.Profile()+"` or `dialin auth login --profile "+cfg.Profile()+"`")
}

func knownKey(key string) bool {
	if key == defaultProfileKey {
		return true
	}
	_, ok := config.LookupKey(key)
	return ok
}
