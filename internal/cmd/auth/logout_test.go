package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
)

func TestNewCmdLogout(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	for _, tt := range []struct {
		args    []string
		wantYes bool
	}{{nil, false}, {[]string{"--yes"}, true}, {[]string{"-y"}, true}} {
		var got *LogoutOptions
		cmd := NewCmdLogout(&cmdutil.Factory{IOStreams: ios}, func(o *LogoutOptions) error { got = o; return nil })
		if err := cmdtest.Exec(cmd, tt.args...); err != nil || got.Yes != tt.wantYes {
			t.Fatalf("%v: err %v, yes %v", tt.args, err, got != nil && got.Yes)
		}
	}
}

func TestLogoutRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		tty      bool
		yes      bool
		answer   string
		wantErr  error
		wantGone bool
	}{
		{"--yes", false, true, "", nil, true},
		{"terminal, yes", true, false, "y\n", nil, true},
		{"terminal, no", true, false, "n\n", cmdutil.ErrCancel, false},
		{"pipe without --yes", false, false, "y\n", &cmdutil.FlagError{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t)
			env.IO.SetStdinTTY(tt.tty)
			env.IO.SetStdoutTTY(tt.tty)
			env.In.WriteString(tt.answer)
			err := logoutRun(&LogoutOptions{IO: env.IO, Config: env.Factory.Config, Yes: tt.yes})
			var fe *cmdutil.FlagError
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatal(err)
				}
			case *cmdutil.FlagError:
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a usage error", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Fatalf("err = %v, want %v", err, want)
				}
			}
			k, _ := env.LoadConfig(t).APIKey()
			if gone := k == ""; gone != tt.wantGone {
				t.Fatalf("key removed = %v, want %v", gone, tt.wantGone)
			}
			if tt.wantGone && !strings.Contains(env.ErrOut.String(), "✓ Removed the API key of profile default from ") {
				t.Fatalf("stderr = %q", env.ErrOut)
			}
			if env.Out.Len() != 0 {
				t.Fatalf("stdout = %q", env.Out)
			}
		})
	}
}

func TestLogoutNothingStored(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	err := logoutRun(&LogoutOptions{IO: env.IO, Config: env.Factory.Config, Yes: true})
	if err == nil || err.Error() != `no API key stored for profile "default"` {
		t.Fatalf("err = %v", err)
	}
}
