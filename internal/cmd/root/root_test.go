package root

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
)

func newRoot(t *testing.T) (*cobra.Command, *bytes.Buffer) {
	t.Helper()
	ios, _, out, _ := iostreams.Test()
	f := cmdutil.NewFactoryWith(ios, config.Options{Dir: t.TempDir(), NoEnv: true})
	cmd := NewCmdRoot(f)
	cmd.SetOut(out)
	cmd.SetErr(out)
	if f.GlobalFlags == nil || f.GlobalFlags.Lookup("profile") == nil || f.GlobalFlags.ShorthandLookup("p") == nil {
		t.Fatal("root must define --profile/-p and hand its flags to the factory")
	}
	return cmd, out
}

func TestEveryCommandIsDocumented(t *testing.T) {
	t.Parallel()
	cmd, _ := newRoot(t)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Short == "" {
			t.Errorf("%q has no Short help", c.CommandPath())
		}
		if c.Runnable() && !c.HasSubCommands() && c.Parent().Name() != "completion" && c.Name() != "help" && c.Example == "" {
			t.Errorf("%q has no Example", c.CommandPath())
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(cmd)
	for _, name := range []string{"auth", "config", "version", "completion", "help"} {
		if c, _, err := cmd.Find([]string{name}); err != nil || c.Name() != name {
			t.Errorf("command %q not registered", name)
		}
	}
}

func TestHelpTopics(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ topic, want string }{
		{"exit-codes", "  64   usage"},
		{"environment", "DAILY_API_KEY"},
		{"formatting", "--jq EXPR"},
	} {
		cmd, out := newRoot(t)
		cmd.SetArgs([]string{"help", tt.topic})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tt.want) || strings.Contains(out.String(), "Usage:") {
			t.Errorf("help %s = %q", tt.topic, out)
		}
	}
	cmd, out := newRoot(t)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "exit-codes   ") || !strings.Contains(out.String(), "dialin help exit-codes") {
		t.Errorf("root help should mention topics in its text, not list them as commands:\n%s", out)
	}
	if strings.Contains(out.String(), "api-url") {
		t.Error("--api-url must stay hidden")
	}
}

func TestHelpUnknownTopic(t *testing.T) {
	t.Parallel()
	cmd, out := newRoot(t)
	cmd.SilenceErrors = true
	cmd.SetArgs([]string{"help", "nosuch"})
	err := cmd.Execute()
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || err.Error() != `unknown help topic "nosuch": run `+"`dialin help`"+` for commands and topics` {
		t.Fatalf("err = %v", err)
	}
	cmd, out = newRoot(t)
	cmd.SetArgs([]string{"help", "auth", "login"})
	if err := cmd.Execute(); err != nil || !strings.Contains(out.String(), "--with-token") {
		t.Fatalf("help auth login: %v %q", err, out)
	}
}
