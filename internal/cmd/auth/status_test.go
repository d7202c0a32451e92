package auth

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
)

func TestNewCmdStatus(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	for _, tt := range []struct {
		args     []string
		wantJSON bool
	}{{nil, false}, {[]string{"--json"}, true}, {[]string{"--jq", ".domain_name"}, true}} {
		var got *StatusOptions
		if err := cmdtest.Exec(NewCmdStatus(f, func(o *StatusOptions) error { got = o; return nil }), tt.args...); err != nil {
			t.Fatal(err)
		}
		if (got.Exporter != nil) != tt.wantJSON {
			t.Errorf("%v: exporter set = %v", tt.args, got.Exporter != nil)
		}
	}
}

func statusOpts(env *cmdtest.Env) *StatusOptions {
	return &StatusOptions{IO: env.IO, Config: env.Factory.Config, DailyClient: env.Factory.DailyClient}
}

func TestStatusRun(t *testing.T) {
	t.Parallel()
	for _, tty := range []bool{true, false} {
		env := cmdtest.New(t)
		env.IO.SetStdoutTTY(tty)
		if err := statusRun(context.Background(), statusOpts(env)); err != nil {
			t.Fatal(err)
		}
		cfg := env.LoadConfig(t)
		want := "Profile:  default\n" +
			"API URL:  " + env.Server.URL + " (from " + cfg.ConfigFile() + ")\n" +
			"Domain:   " + env.Server.DomainName() + " (" + env.Server.DomainID() + ")\n" +
			"API key:  •••••••• from " + cfg.CredentialsFile() + "\n" +
			"✓ Logged in\n"
		if got := env.Out.String(); got != want {
			t.Fatalf("tty=%v stdout =\n%s\nwant\n%s", tty, got, want)
		}
		if env.ErrOut.Len() != 0 {
			t.Fatalf("tty=%v stderr = %q", tty, env.ErrOut)
		}
		assertNoKey(t, env.Server.APIKey, env.Out.String())
	}
}

func TestStatusRunColourAndJSON(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	env.IO.SetStdoutTTY(true)
	env.IO.SetColorEnabled(true)
	if err := statusRun(context.Background(), statusOpts(env)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(env.Out.String(), "\x1b[") {
		t.Fatalf("no colour on a colour terminal: %q", env.Out)
	}
	env.Out.Reset()
	opts := statusOpts(env)
	opts.Exporter = cmdutil.NewJSONExporter()
	if err := statusRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	var st Status
	if err := json.Unmarshal(env.Out.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	cfg := env.LoadConfig(t)
	want := Status{Profile: "default", APIURL: env.Server.URL, URLFrom: cfg.ConfigFile(), DomainName: env.Server.DomainName(), DomainID: env.Server.DomainID(), KeySource: "file", KeyFrom: cfg.CredentialsFile()}
	if st != want {
		t.Fatalf("json = %+v, want %+v", st, want)
	}
	assertNoKey(t, env.Server.APIKey, env.Out.String())
}

func TestStatusNoKey(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	err := statusRun(context.Background(), statusOpts(env))
	var na *cmdutil.NoAuthError
	if !errors.As(err, &na) || env.Out.Len() != 0 {
		t.Fatalf("err = %v, stdout %q", err, env.Out)
	}
	if n := len(env.Server.Requests()); n != 0 {
		t.Fatalf("%d requests without a key", n)
	}
}

func TestStatusRefusedKey(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	const wrong = "stale-key-abcdefghijklmnop"
	if err := env.LoadConfig(t).SetAPIKey(wrong); err != nil {
		t.Fatal(err)
	}
	err := statusRun(context.Background(), statusOpts(env))
	if !daily.IsAuth(err) || !strings.Contains(err.Error(), "credentials.yaml") {
		t.Fatalf("err = %v, want an auth error naming the credentials file", err)
	}
	assertNoKey(t, wrong, err.Error(), env.Out.String(), env.ErrOut.String())
}
