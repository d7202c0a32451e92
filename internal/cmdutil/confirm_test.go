package cmdutil

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/iostreams"
)

func TestConfirm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		yes, tty   bool
		input      string
		want       error
		wantPrompt string
	}{
		{"--yes skips", true, false, "", nil, ""},
		{"yes on tty", false, true, "y\n", nil, "Buy +14155550100? [y/N] "},
		{"YES on tty", false, true, "YES\n", nil, "Buy +14155550100? [y/N] "},
		{"enter is no", false, true, "\n", ErrCancel, "Buy +14155550100? [y/N] "},
		{"no", false, true, "n\n", ErrCancel, "Buy +14155550100? [y/N] "},
		{"closed stdin is no", false, true, "", ErrCancel, "Buy +14155550100? [y/N] "},
		{"asks again", false, true, "maybe\ny\n", nil, "Buy +14155550100? [y/N] Please answer y or n.\nBuy +14155550100? [y/N] "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, in, out, errOut := iostreams.Test()
			ios.SetStdinTTY(tt.tty)
			ios.SetStdoutTTY(tt.tty)
			in.WriteString(tt.input)
			err := Confirm(ios, tt.yes, "Buy +14155550100?")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if errOut.String() != tt.wantPrompt || out.Len() != 0 {
				t.Fatalf("stderr %q stdout %q, want prompt %q on stderr only", errOut, out, tt.wantPrompt)
			}
		})
	}
}

func TestConfirmNotInteractive(t *testing.T) {
	t.Parallel()
	for _, tty := range [][2]bool{{false, false}, {true, false}, {false, true}} {
		ios, in, _, _ := iostreams.Test()
		ios.SetStdinTTY(tty[0])
		ios.SetStdoutTTY(tty[1])
		in.WriteString("y\n")
		err := Confirm(ios, false, "Release +14155550100?")
		var fe *FlagError
		if !errors.As(err, &fe) || err.Error() != "Release +14155550100: refusing without --yes when not running interactively" {
			t.Fatalf("stdin tty %v stdout tty %v: err = %v", tty[0], tty[1], err)
		}
	}
}

func TestQuietFlag(t *testing.T) {
	t.Parallel()
	ios, _, _, errOut := iostreams.Test()
	var quiet, yes bool
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error {
		ios.Infof("bought")
		return nil
	}}
	AddQuietFlag(cmd, ios, &quiet, "")
	AddYesFlag(cmd, &yes)
	cmd.SetArgs([]string{"-qy"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !quiet || !yes || !ios.IsQuiet() || errOut.Len() != 0 {
		t.Fatalf("quiet=%v yes=%v ios quiet=%v stderr=%q", quiet, yes, ios.IsQuiet(), errOut)
	}
}
