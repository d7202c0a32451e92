package rooms

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
)

func TestNewCmdDelete(t *testing.T) {
	t.Parallel()
	var got *DeleteOptions
	run := func(o *DeleteOptions) error { got = o; return nil }
	if err := cmdtest.Exec(NewCmdDelete(cmdtest.FactoryAt(start), run), "a", "b", "a", "--yes"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Names, []string{"a", "b"}) || !got.Yes {
		t.Fatalf("options %+v", got)
	}
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{nil, "requires at least 1 arg(s), only received 0"},
		{[]string{"good", "not good", "--yes"}, `NAME: "not good" may only contain A-Z, a-z, 0-9, '-' and '_'`},
	} {
		err := cmdtest.Exec(NewCmdDelete(cmdtest.FactoryAt(start), func(*DeleteOptions) error { t.Fatal("runF called"); return nil }), tt.args...)
		cmdtest.WantUsageError(t, err, tt.msg)
	}
}

func exists(t *testing.T, env *cmdtest.Env, name string) bool {
	t.Helper()
	_, err := env.Client(t).Room(t.Context(), name)
	if err != nil && !daily.IsNotFound(err) {
		t.Fatal(err)
	}
	return err == nil
}

func TestDeleteRunConfirmation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		tty, yes    bool
		answer      string
		wantErr     error
		wantDeleted bool
	}{
		{"--yes piped", false, true, "", nil, true},
		{"terminal, yes", true, false, "y\n", nil, true},
		{"terminal, no", true, false, "n\n", cmdutil.ErrCancel, false},
		{"terminal, stdin closed", true, false, "", cmdutil.ErrCancel, false},
		{"piped without --yes", false, false, "y\n", &cmdutil.FlagError{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := newEnv(t)
			mustCreate(t, env, sipRoom("support-1", 1))
			reset(env)
			env.IO.SetStdinTTY(tt.tty)
			env.IO.SetStdoutTTY(tt.tty)
			env.In.WriteString(tt.answer)
			err := deleteRun(t.Context(), &DeleteOptions{IO: env.IO, DailyClient: env.Factory.DailyClient, Yes: tt.yes, Names: []string{"support-1"}})
			var fe *cmdutil.FlagError
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatal(err)
				}
			case *cmdutil.FlagError:
				if !errors.As(err, &fe) || err.Error() != "Delete room support-1 and disconnect anyone in it: refusing without --yes when not running interactively" {
					t.Fatalf("err = %v, want a usage error", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Fatalf("err = %v, want %v", err, want)
				}
			}
			deletes := env.Server.Count("DELETE", "/rooms/support-1")
			if (deletes == 1) != tt.wantDeleted || (len(env.Server.Requests()) == 0) == tt.wantDeleted {
				t.Fatalf("%d DELETE requests, %d in all; want deleted %v", deletes, len(env.Server.Requests()), tt.wantDeleted)
			}
			if exists(t, env, "support-1") == tt.wantDeleted {
				t.Fatalf("room still there = %v", !tt.wantDeleted)
			}
			if tt.wantDeleted && !strings.HasSuffix(env.ErrOut.String(), "✓ Deleted room support-1\n") {
				t.Fatalf("stderr = %q", env.ErrOut)
			}
			if tt.tty && !strings.HasPrefix(env.ErrOut.String(), "Delete room support-1 and disconnect anyone in it? [y/N] ") {
				t.Fatalf("no prompt on stderr: %q", env.ErrOut)
			}
			noOutput(t, env.Out)
		})
	}
}

func TestDeleteRunSeveral(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	mustCreate(t, env, sipRoom("a", 1))
	mustCreate(t, env, daily.CreateRoomRequest{Name: "b"})
	reset(env)
	err := cmdtest.Exec(NewCmdDelete(env.Factory, nil), "a", "missing", "b", "--yes")
	if err == nil || err.Error() != "1 of 3 rooms not deleted" {
		t.Fatalf("err = %v", err)
	}
	want := "✓ Deleted room a\n" +
		"✗ missing: room missing not found (an expired room counts as deleted)\n" +
		"✓ Deleted room b\n"
	if got := env.ErrOut.String(); got != want {
		t.Fatalf("stderr =\n%s\nwant\n%s", got, want)
	}
	if exists(t, env, "a") || exists(t, env, "b") {
		t.Fatal("a room survived")
	}
	noOutput(t, env.Out)

	// One name that does not exist: its own error, exit 1 (not a usage error).
	reset(env)
	err = cmdtest.Exec(NewCmdDelete(env.Factory, nil), "a", "--yes")
	var fe *cmdutil.FlagError
	if !daily.IsNotFound(err) || errors.As(err, &fe) || err.Error() != "room a not found (an expired room counts as deleted)" {
		t.Fatalf("err = %v", err)
	}
	noOutput(t, env.ErrOut)
}

func TestDeleteRefusesBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	err := cmdtest.Exec(NewCmdDelete(env.Factory, nil), "a", "b")
	cmdtest.WantUsageError(t, err, "Delete 2 rooms (a, b) and disconnect anyone in them: refusing without --yes when not running interactively")
	err = cmdtest.Exec(NewCmdDelete(env.Factory, nil), "a", "b c", "--yes")
	cmdtest.WantUsageError(t, err, `NAME: "b c" may only contain A-Z, a-z, 0-9, '-' and '_'`)
	if n := len(env.Server.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// TestNoExampleDeletesEveryRoom: the help never shows piping every room into delete, which
// hangs up every live call of the domain.
func TestNoExampleDeletesEveryRoom(t *testing.T) {
	f := cmdtest.FactoryAt(start)
	for _, c := range []*cobra.Command{NewCmdList(f, nil), NewCmdDelete(f, nil)} {
		if strings.Contains(c.Example, "rooms list -q | xargs dialin rooms delete") {
			t.Errorf("%s: example deletes every room:\n%s", c.Name(), c.Example)
		}
	}
}
