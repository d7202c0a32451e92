package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	auth := &daily.APIError{Status: 401, Type: "authentication-error"}
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 0},
		{"no results", cmdutil.NewNoResultsError("no numbers"), 0},
		{"plain", errors.New("boom"), 1},
		{"silent", cmdutil.ErrSilent, 1},
		{"server error", &daily.APIError{Status: 500, Type: "server-error"}, 1},
		{"changes", cmdutil.ErrChangesPresent, 2},
		{"changes with message", &cmdutil.ChangesPresentError{Message: "Plan: 1 to add"}, 2},
		{"no key", &cmdutil.NoAuthError{Profile: "default"}, 4},
		{"401", auth, 4},
		{"wrapped 401", fmt.Errorf("checking: %w", auth), 4},
		{"header error", &daily.APIError{Status: 400, Type: "authorization-header-error"}, 4},
		{"flag error", cmdutil.FlagErrorf("--limit: must be at least 1"), 64},
		{"hinted flag error", cmdutil.WithHint(cmdutil.FlagErrorf("x"), "y"), 64},
		{"invalid value", &config.InvalidValueError{Field: "api_url", Rule: "must be https"}, 64},
		{"cobra required flag", errors.New(`required flag(s) "url" not set`), 64},
		{"cobra flag group", errors.New("if any flags in the group [a b] are set they must all be set; missing [b]"), 64},
		{"cancel", cmdutil.ErrCancel, 130},
		{"context cancelled", fmt.Errorf("GET /: %w", context.Canceled), 130},
		{"interrupted", interrupted{errors.New("x")}, 130},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("%s: ExitCode = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestPrintError(t *testing.T) {
	t.Parallel()
	rate := &daily.APIError{Status: 429, Type: "rate-limit-error", Method: "GET", Path: "/"}
	tests := []struct {
		name      string
		err       error
		tty, json bool
		want      string
	}{
		{"plain", errors.New("boom"), false, false, "error: boom\n"},
		{"hint", cmdutil.WithHint(cmdutil.FlagErrorf("unknown flag: --x"), "run `dialin --help` for usage"), false, false,
			"error: unknown flag: --x\nhint: run `dialin --help` for usage\n"},
		{"auth hint", &daily.APIError{Status: 401, Type: "authentication-error", Method: "GET", Path: "/"}, false, false,
			"error: daily: GET /: 401 Unauthorized: authentication-error\nhint: the API key was refused: run `dialin auth login` or set DAILY_API_KEY to a valid key\n"},
		{"rate limit hint", rate, false, false,
			"error: daily: GET /: 429 Too Many Requests: rate-limit-error\nhint: Daily's rate limit was hit and the retries ran out; wait a minute and try again\n"},
		{"multi-line message keeps the first line", errors.New("first\n\nsecond"), false, false, "error: first\n"},
		{"silent", cmdutil.ErrSilent, false, false, ""},
		{"declined", cmdutil.ErrCancel, true, false, "Cancelled; nothing was changed.\n"},
		{"declined, json", cmdutil.ErrCancel, true, true, `{"error":{"code":"cancelled","message":"cancelled","exit_code":130}}` + "\n"},
		{"no results on a terminal", cmdutil.NewNoResultsError("no numbers"), true, false, "no numbers\n"},
		{"no results piped", cmdutil.NewNoResultsError("no numbers"), false, false, ""},
		{"changes message", &cmdutil.ChangesPresentError{Message: "Plan: 1 to add"}, false, false, "Plan: 1 to add\n"},
		{"json", rate, false, true,
			`{"error":{"code":"rate-limit-error","status":429,"message":"daily: GET /: 429 Too Many Requests: rate-limit-error","hint":"Daily's rate limit was hit and the retries ran out; wait a minute and try again","exit_code":1}}` + "\n"},
		{"json usage", cmdutil.FlagErrorf("--jq: bad"), false, true, `{"error":{"code":"usage-error","message":"--jq: bad","exit_code":64}}` + "\n"},
	}
	for _, tt := range tests {
		ios, _, out, errOut := iostreams.Test()
		ios.SetStdoutTTY(tt.tty)
		printError(ios, tt.err, tt.json)
		if errOut.String() != tt.want || out.Len() != 0 {
			t.Errorf("%s: stderr %q stdout %q, want stderr %q", tt.name, errOut, out, tt.want)
		}
		if tt.json && tt.want != "" {
			var v map[string]any
			if err := json.Unmarshal(errOut.Bytes(), &v); err != nil {
				t.Errorf("%s: not JSON: %v", tt.name, err)
			}
		}
	}
}

// run executes a command line in-process against env's emulator.
func run(env *cmdtest.Env, ctx context.Context, args ...string) int {
	env.Out.Reset()
	env.ErrOut.Reset()
	return Run(ctx, env.Factory, args)
}

func TestRunAgainstEmulator(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	ctx := context.Background()
	if code := run(env, ctx, "auth", "status"); code != 0 {
		t.Fatalf("auth status exit %d, stderr %q", code, env.ErrOut)
	}
	if !strings.Contains(env.Out.String(), "Domain:   "+env.Server.DomainName()) {
		t.Fatalf("stdout = %q", env.Out)
	}
	if code := run(env, ctx, "auth", "status", "--profile", "nobody"); code != 4 {
		t.Fatalf("no key: exit %d", code)
	}
	if code := run(env, ctx, "numbrs"); code != 64 || env.ErrOut.String() != "error: unknown command \"numbrs\" for \"dialin\"\nhint: did you mean numbers?\n" {
		t.Fatalf("unknown command: exit %d stderr %q", code, env.ErrOut)
	}
	if code := run(env, ctx, "config", "list", "--json", "--bogus"); code != 64 {
		t.Fatalf("unknown flag: exit %d", code)
	}
	if code := run(env, ctx, "help", "exit-codes"); code != 0 || !strings.Contains(env.Out.String(), "130  interrupted") {
		t.Fatalf("help exit-codes: exit %d stdout %q", code, env.Out)
	}
}

func TestRunInterrupted(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Ctrl-C already pressed

	if code := run(env, ctx, "auth", "status"); code != 130 || env.ErrOut.String() != "error: interrupted\n" {
		t.Fatalf("request under a cancelled context: exit %d stderr %q", code, env.ErrOut)
	}

	// A prompt waiting on stdin returns at once instead of hanging.
	r, w := io.Pipe()
	defer w.Close()
	env.IO.In = r
	env.IO.SetStdinTTY(true)
	env.IO.SetStdoutTTY(true)
	if code := run(env, ctx, "auth", "logout"); code != 130 {
		t.Fatalf("interrupted prompt: exit %d stderr %q", code, env.ErrOut)
	}
	if k, _ := env.LoadConfig(t).APIKey(); k == "" {
		t.Fatal("an interrupted logout removed the key")
	}
}
