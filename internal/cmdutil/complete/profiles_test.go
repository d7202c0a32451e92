package complete_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cli"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
)

// TestRootProfileFlagCompletes runs cobra's hidden __complete command, which is what the shell
// scripts call on Tab, so it checks that --profile is wired to complete.Profiles.
func TestRootProfileFlagCompletes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := "default_profile: prod\nprofiles:\n  prod:\n    default_region: US\n  staging:\n    default_region: GB\n  sandbox: {}\n"
	if err := os.WriteFile(filepath.Join(dir, config.ConfigFileName), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		typed string
		want  string
	}{
		{"", "prod\tdefault profile\nsandbox\nstaging\n:4\n"},
		{"s", "sandbox\nstaging\n:4\n"},
		{"x", ":4\n"},
	} {
		ios, _, out, errOut := iostreams.Test()
		f := cmdutil.NewFactoryWith(ios, config.Options{Dir: dir, NoEnv: true})
		if code := cli.Run(context.Background(), f, []string{"__complete", "--profile", tt.typed}); code != 0 {
			t.Fatalf("__complete --profile %q: exit %d: %s", tt.typed, code, errOut)
		}
		// cobra appends the directive (":4" is ShellCompDirectiveNoFileComp) after the values.
		if got := out.String(); got != tt.want {
			t.Errorf("__complete --profile %q:\n%s\nwant:\n%s", tt.typed, got, tt.want)
		}
		if strings.Contains(errOut.String(), "rror") {
			t.Errorf("__complete --profile %q wrote an error: %s", tt.typed, errOut)
		}
	}
}
