package cmdutil

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func tree() (*cobra.Command, *bytes.Buffer) {
	root := &cobra.Command{Use: "dialin"}
	numbers := &cobra.Command{Use: "numbers", Short: "Manage numbers"}
	numbers.AddCommand(&cobra.Command{Use: "release NUMBER", Args: cobra.ExactArgs(1), RunE: func(*cobra.Command, []string) error { return nil }})
	numbers.AddCommand(&cobra.Command{Use: "list", RunE: func(*cobra.Command, []string) error { return nil }})
	root.AddCommand(numbers)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SilenceErrors, root.SilenceUsage = true, true
	MarkUsageErrors(root)
	MarkUsageErrors(root) // idempotent
	return root, &out
}

func TestMarkUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		wantMsg  string
		wantHint string
	}{
		{[]string{"numbers", "list", "--bogus"}, "unknown flag: --bogus", "run `dialin numbers list --help` for usage"},
		{[]string{"numbers", "release"}, "accepts 1 arg(s), received 0", "run `dialin numbers release --help` for usage"},
		{[]string{"numbers", "relase"}, `unknown command "relase" for "dialin numbers"`, "did you mean release?"},
		{[]string{"nubmers"}, `unknown command "nubmers" for "dialin"`, "did you mean numbers?"},
		// Nothing close: the hint says where the commands are, never nothing.
		{[]string{"nosuch"}, `unknown command "nosuch" for "dialin"`, "run `dialin --help` to see its commands"},
		{[]string{"numbers", "zzz"}, `unknown command "zzz" for "dialin numbers"`, "run `dialin numbers --help` to see its commands"},
		{[]string{"--nope"}, "unknown flag: --nope", "run `dialin --help` for usage"},
	}
	for _, tt := range tests {
		root, _ := tree()
		root.SetArgs(tt.args)
		err := root.Execute()
		var fe *FlagError
		if !errors.As(err, &fe) || err.Error() != tt.wantMsg {
			t.Errorf("%v: err = %v (FlagError %v), want %q", tt.args, err, fe != nil, tt.wantMsg)
			continue
		}
		var h interface{ Hint() string }
		gotHint := ""
		if errors.As(err, &h) {
			gotHint = h.Hint()
		}
		if gotHint != tt.wantHint {
			t.Errorf("%v: hint %q, want %q", tt.args, gotHint, tt.wantHint)
		}
	}
}

func TestGroupWithoutArgsPrintsHelp(t *testing.T) {
	t.Parallel()
	root, out := tree()
	root.SetArgs([]string{"numbers"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Manage numbers") || !strings.Contains(out.String(), "release") {
		t.Fatalf("help = %q", out)
	}
}
