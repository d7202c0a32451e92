package tokens

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

var start = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// newEnv is an emulator on a manual clock from start, with the factory's Now reading it.
func newEnv(t *testing.T) (*cmdtest.Env, *dailytest.ManualClock) {
	return cmdtest.NewWithClock(t, start)
}

func TestNewCmdCreate(t *testing.T) {
	t.Parallel()
	inAnHour := start.Unix() + 3600
	for _, tt := range []struct {
		args     []string
		want     CreateOptions
		wantJSON bool
	}{
		{[]string{"--room", "support-1"}, CreateOptions{Room: "support-1", Exp: inAnHour}, false},
		{[]string{"-r", "support-1", "--owner", "--exp", "10m", "--user-name", "Bot", "--user-id", strings.Repeat("u", 36), "--local"},
			CreateOptions{Room: "support-1", Owner: true, Exp: start.Unix() + 600, UserName: "Bot", UserID: strings.Repeat("u", 36), Local: true}, false},
		{[]string{"--room", "support-1", "--exp", "never", "--json"}, CreateOptions{Room: "support-1"}, true},
		{[]string{"--room", "support-1", "--exp", "2026-03-15T09:26:53Z", "--jq", ".token"}, CreateOptions{Room: "support-1", Exp: start.Unix() + 86400}, true},
	} {
		var got *CreateOptions
		if err := cmdtest.Exec(NewCmdCreate(cmdtest.FactoryAt(start), func(o *CreateOptions) error { got = o; return nil }), tt.args...); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if (got.Exporter != nil) != tt.wantJSON {
			t.Fatalf("%v: exporter set = %v", tt.args, got.Exporter != nil)
		}
		g := *got
		g.IO, g.Config, g.DailyClient, g.Now, g.Exporter = nil, nil, nil, nil, nil
		if !reflect.DeepEqual(g, tt.want) {
			t.Fatalf("%v: options\n  %+v\nwant\n  %+v", tt.args, g, tt.want)
		}
	}
}

// badArgs are refused with exit 64 before any request.
var badArgs = []struct {
	args []string
	msg  string
}{
	{nil, "--room: required (a token without a room would admit its holder to every room)"},
	{[]string{"--room", " "}, "--room: required (a token without a room would admit its holder to every room)"},
	{[]string{"--room", "my room"}, `--room: "my room" may only contain A-Z, a-z, 0-9, '-' and '_'`},
	{[]string{"--room", strings.Repeat("r", 129)}, "--room: must be at most 128 characters"},
	{[]string{"--room", "r", "--user-id", strings.Repeat("u", 37)}, "--user-id: must be at most 36 characters, not 37"},
	{[]string{"--room", "r", "--exp", "-5m"}, "--exp: must be in the future, not 2026-03-14T09:21:53Z"},
	{[]string{"--room", "r", "--exp", "1000"}, "--exp: must be in the future, not 1970-01-01T00:16:40Z (a bare number is a Unix time; write 1h for one hour from now)"},
	{[]string{"--room", "r", "--exp", "tomorrow"}, `--exp: "tomorrow" is not a duration (90m, 1h, 7d), a Unix time or an RFC 3339 time`},
	{[]string{"--room", "r", "--local", "--jq", "{"}, "--jq: unexpected EOF"},
	{[]string{"r"}, `unknown command "r" for "create"`},
}

func TestCreateRefusesBadInputBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	for _, tt := range badArgs {
		cmdtest.WantUsageError(t, cmdtest.Exec(NewCmdCreate(env.Factory, nil), tt.args...), tt.msg)
	}
	env.WantNoRequests(t)
	if env.Out.Len()+env.ErrOut.Len() != 0 {
		t.Fatalf("output %q %q", env.Out, env.ErrOut)
	}
}

func claimString(claims map[string]any, name string) string {
	if v, ok := claims[name]; ok {
		return fmt.Sprint(v)
	}
	return "<absent>"
}

func TestCreateRun(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		local     bool
		tty       bool
		wantCalls map[string]int // method path → requests
	}{
		{"REST piped", false, false, map[string]int{"POST /meeting-tokens": 1, "GET /": 0}},
		{"REST terminal", false, true, map[string]int{"POST /meeting-tokens": 1, "GET /": 0}},
		{"local piped", true, false, map[string]int{"POST /meeting-tokens": 0, "GET /": 1}},
		{"local terminal", true, true, map[string]int{"POST /meeting-tokens": 0, "GET /": 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := newEnv(t)
			env.IO.SetStdoutTTY(tt.tty)
			args := []string{"--room", "support-1", "--owner", "--exp", "10m", "--user-name", "Bot", "--user-id", "bot-7"}
			if tt.local {
				args = append(args, "--local")
			}
			if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), args...); err != nil {
				t.Fatal(err)
			}
			token, ok := strings.CutSuffix(env.Out.String(), "\n")
			if !ok || strings.ContainsAny(token, "\n ") || strings.Count(token, ".") != 2 {
				t.Fatalf("stdout = %q, want the token alone on one line", env.Out)
			}
			// The emulator checks the signature (the API key), the domain and the expiry.
			claims, err := env.Server.VerifyMeetingToken(token)
			if err != nil {
				t.Fatalf("the emulator refuses the token: %v", err)
			}
			for name, want := range map[string]string{
				"r": "support-1", "o": "true", "u": "Bot", "ud": "bot-7", "d": env.Server.DomainID(),
				"exp": fmt.Sprint(start.Unix() + 600), "iat": fmt.Sprint(start.Unix()),
			} {
				if got := claimString(claims, name); got != want {
					t.Errorf("claim %s = %s, want %s", name, got, want)
				}
			}
			for call, want := range tt.wantCalls {
				method, path, _ := strings.Cut(call, " ")
				if got := env.Server.Count(method, path); got != want {
					t.Errorf("%s: %d requests, want %d", call, got, want)
				}
			}
			wantErr := ""
			if tt.tty {
				how := ""
				if tt.local {
					how = ", signed locally"
				}
				wantErr = "✓ Meeting token for room support-1 (owner)" + how + ", expires 2026-03-14T09:36:53Z\n"
			}
			if got := env.ErrOut.String(); got != wantErr {
				t.Fatalf("stderr = %q, want %q", got, wantErr)
			}
		})
	}
}

func TestCreateRunJSON(t *testing.T) {
	t.Parallel()
	env, clock := newEnv(t)
	for _, local := range []bool{false, true} {
		env.Out.Reset()
		args := []string{"--room", "support-1", "--json"}
		if local {
			args = append(args, "--local")
		}
		if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), args...); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil {
			t.Fatalf("%v: %s", err, env.Out)
		}
		if len(got) != 4 || got["room"] != "support-1" || got["exp"] != float64(start.Unix()+3600) || got["local"] != local {
			t.Fatalf("json = %v", got)
		}
		if _, err := env.Server.VerifyMeetingToken(got["token"].(string)); err != nil {
			t.Fatalf("local=%v: %v", local, err)
		}
	}

	// A token that never expires has "exp": null and no exp claim, and stays valid.
	env.Out.Reset()
	if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), "--room", "support-1", "--exp", "never", "--local", "--jq", "[.exp, .local]"); err != nil {
		t.Fatal(err)
	}
	if got := env.Out.String(); got != "[null,true]\n" {
		t.Fatalf("--jq = %q", got)
	}
	env.Out.Reset()
	if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), "--room", "support-1", "--exp", "never", "--jq", ".token"); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(env.Out.String())
	clock.Advance(400 * 24 * time.Hour)
	claims, err := env.Server.VerifyMeetingToken(token)
	if err != nil || claimString(claims, "exp") != "<absent>" {
		t.Fatalf("never-expiring token: claims %v, %v", claims, err)
	}
	if env.ErrOut.Len() != 0 {
		t.Fatalf("stderr = %q", env.ErrOut)
	}
}

func TestCreateRunExpiredTokenIsRefusedByTheEmulator(t *testing.T) {
	t.Parallel()
	// The default --exp is one hour: past it the emulator refuses both kinds of token.
	env, clock := newEnv(t)
	var tokens []string
	for _, args := range [][]string{{"--room", "r"}, {"--room", "r", "--local"}} {
		env.Out.Reset()
		if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), args...); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, strings.TrimSpace(env.Out.String()))
	}
	clock.Advance(time.Hour + time.Second)
	for _, tok := range tokens {
		if _, err := env.Server.VerifyMeetingToken(tok); err == nil {
			t.Fatal("an expired token was accepted")
		}
	}
}

func TestCreateWithoutKey(t *testing.T) {
	t.Parallel()
	for _, local := range []bool{false, true} {
		env := cmdtest.NewWithoutKey(t)
		args := []string{"--room", "r"}
		if local {
			args = append(args, "--local")
		}
		err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), args...)
		var na *cmdutil.NoAuthError
		if !errors.As(err, &na) || len(env.Server.Requests()) != 0 {
			t.Fatalf("local=%v: err = %v, %d requests", local, err, len(env.Server.Requests()))
		}
	}
}

func TestCreateLocalWithRefusedKey(t *testing.T) {
	t.Parallel()
	// --local still reads GET / first, so a wrong key fails there instead of minting a token
	// Daily would refuse.
	env := cmdtest.NewWithoutKey(t)
	const wrong = "wrong-key-0123456789abcdef"
	if err := env.LoadConfig(t).SetAPIKey(wrong); err != nil {
		t.Fatal(err)
	}
	err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), "--room", "r", "--local")
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), wrong) {
		t.Fatalf("err = %v", err)
	}
	if env.Out.Len() != 0 {
		t.Fatalf("a token was printed: %q", env.Out)
	}
}
