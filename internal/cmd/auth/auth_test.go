package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
)

// assertNoKey fails when any 6-character piece of key shows up in the outputs.
func assertNoKey(t *testing.T, key string, outputs ...string) {
	t.Helper()
	for i := 0; i+6 <= len(key); i++ {
		for _, out := range outputs {
			if strings.Contains(out, key[i:i+6]) {
				t.Fatalf("output shows part of the API key (%q…): %q", key[i:i+6], out)
			}
		}
	}
}

func TestNewCmdLogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		stdinTTY  bool
		wantToken bool
		wantErr   string
	}{
		{"terminal prompt", nil, true, false, ""},
		{"with token", []string{"--with-token"}, false, true, ""},
		{"pipe without --with-token", nil, false, false, "--with-token: required when stdin is not a terminal"},
		{"no key as a flag", []string{"--token", "abc"}, false, false, "unknown flag: --token"},
		{"no args", []string{"abc"}, true, false, `unknown command "abc" for "login"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ios.SetStdinTTY(tt.stdinTTY)
			var got *LoginOptions
			cmd := NewCmdLogin(&cmdutil.Factory{IOStreams: ios}, func(o *LoginOptions) error { got = o; return nil })
			err := cmdtest.Exec(cmd, tt.args...)
			if tt.wantErr != "" {
				var fe *cmdutil.FlagError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) || got != nil {
					t.Fatalf("err = %v, ran = %v; want usage error %q", err, got != nil, tt.wantErr)
				}
				return
			}
			if err != nil || got.WithToken != tt.wantToken {
				t.Fatalf("err %v, options %+v", err, got)
			}
		})
	}
}

func TestLoginRun(t *testing.T) {
	t.Parallel()
	for _, tty := range []bool{false, true} {
		env := cmdtest.NewWithoutKey(t)
		env.IO.SetStdinTTY(tty)
		env.IO.SetStderrTTY(tty)
		key := env.Server.APIKey
		env.In.WriteString("  " + key + "\n")
		opts := &LoginOptions{IO: env.IO, Config: env.Factory.Config, NewClient: env.Factory.NewDailyClientAt, WithToken: !tty}
		if err := loginRun(context.Background(), opts); err != nil {
			t.Fatalf("tty=%v: %v", tty, err)
		}
		cfg := env.LoadConfig(t)
		if stored, _ := cfg.APIKey(); stored != key {
			t.Fatalf("tty=%v: key not stored", tty)
		}
		stderr := env.ErrOut.String()
		wantPrompt := ""
		if tty {
			wantPrompt = "Paste your Daily API key (input hidden): \n"
		}
		if !strings.HasPrefix(stderr, wantPrompt) || !strings.Contains(stderr, "✓ Logged in to domain "+env.Server.DomainName()+" (profile default)\n") {
			t.Fatalf("tty=%v: stderr = %q", tty, stderr)
		}
		if env.Out.Len() != 0 {
			t.Fatalf("tty=%v: stdout = %q", tty, env.Out)
		}
		assertNoKey(t, key, stderr)
	}
}

func TestLoginRefusedKeyIsNotStored(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	const wrong = "not-the-emulator-key-0123456789"
	env.In.WriteString(wrong)
	opts := &LoginOptions{IO: env.IO, Config: env.Factory.Config, NewClient: env.Factory.NewDailyClientAt, WithToken: true}
	err := loginRun(context.Background(), opts)
	if !daily.IsAuth(err) {
		t.Fatalf("err = %v, want an auth error", err)
	}
	if k, _ := env.LoadConfig(t).APIKey(); k != "" {
		t.Fatal("a refused key was stored")
	}
	assertNoKey(t, wrong, err.Error(), env.ErrOut.String(), env.Out.String())
}

func TestLoginBadInput(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "two words", strings.Repeat("k", maxKeyInput+1)} {
		env := cmdtest.NewWithoutKey(t)
		env.In.WriteString(in)
		opts := &LoginOptions{IO: env.IO, Config: env.Factory.Config, NewClient: env.Factory.NewDailyClientAt, WithToken: true}
		err := loginRun(context.Background(), opts)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) {
			t.Fatalf("input of %d bytes: err = %v, want a usage error", len(in), err)
		}
		if got := env.Server.Requests(); len(got) != 0 {
			t.Fatalf("bad input reached Daily: %d requests", len(got))
		}
	}
}

func TestLoginPromptClosed(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	env.IO.SetStdinTTY(true)
	opts := &LoginOptions{IO: env.IO, Config: env.Factory.Config, NewClient: env.Factory.NewDailyClientAt}
	if err := loginRun(context.Background(), opts); !errors.Is(err, cmdutil.ErrCancel) {
		t.Fatalf("EOF at the prompt: err = %v, want ErrCancel", err)
	}
}
