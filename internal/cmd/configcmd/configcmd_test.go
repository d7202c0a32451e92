package configcmd

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
)

func TestNewCmdSetValidatesBeforeRunning(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"api_url", "https://api.daily.example/v1"}, ""},
		{[]string{"default_country", "de"}, ""},
		{[]string{"default_profile", "staging"}, ""},
		{[]string{"api_url", "http://api.daily.example/v1"}, "api_url: must be an absolute https URL (http only for localhost)"},
		{[]string{"default_country", "Narnia"}, "default_country: must be a two-letter country code"},
		{[]string{"default_profile", "a b"}, "profile: must be 1-64 letters"},
		{[]string{"api_key", "x"}, `key "api_key": unknown; known keys: api_url, default_country, routes_api, default_profile`},
		{[]string{"api_url"}, "accepts 2 arg(s), received 1"},
	}
	for _, tt := range tests {
		var got *SetOptions
		err := cmdtest.Exec(NewCmdSet(f, func(o *SetOptions) error { got = o; return nil }), tt.args...)
		if tt.wantErr == "" {
			if err != nil || got.Key != tt.args[0] || got.Value != tt.args[1] {
				t.Errorf("%v: err %v opts %+v", tt.args, err, got)
			}
			continue
		}
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.wantErr) || got != nil {
			t.Errorf("%v: err = %v (ran %v), want usage error %q", tt.args, err, got != nil, tt.wantErr)
		}
	}
}

func TestNewCmdGet(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	var got *GetOptions
	if err := cmdtest.Exec(NewCmdGet(f, func(o *GetOptions) error { got = o; return nil }), "default_country"); err != nil || got.Key != "default_country" {
		t.Fatalf("err %v opts %+v", err, got)
	}
	got = nil
	err := cmdtest.Exec(NewCmdGet(f, func(o *GetOptions) error { got = o; return nil }), "nope")
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || got != nil {
		t.Fatalf("unknown key: err %v ran %v", err, got != nil)
	}
}

func TestSetGetRoundTrip(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	if err := setRun(&SetOptions{IO: env.IO, Config: env.Factory.Config, Key: "default_country", Value: "gb"}); err != nil {
		t.Fatal(err)
	}
	if got := env.ErrOut.String(); got != "✓ Set default_country to GB for profile default\n" {
		t.Fatalf("stderr = %q", got)
	}
	if err := getRun(&GetOptions{IO: env.IO, Config: env.Factory.Config, Key: "default_country"}); err != nil {
		t.Fatal(err)
	}
	if env.Out.String() != "GB\n" {
		t.Fatalf("stdout = %q", env.Out)
	}
	env.IO.SetQuiet(true)
	env.ErrOut.Reset()
	if err := setRun(&SetOptions{IO: env.IO, Config: env.Factory.Config, Key: "default_profile", Value: "uk"}); err != nil {
		t.Fatal(err)
	}
	if env.ErrOut.Len() != 0 {
		t.Fatalf("quiet set printed %q", env.ErrOut)
	}
	if p := env.LoadConfig(t).Profile(); p != "uk" {
		t.Fatalf("default profile not stored: %q", p)
	}
}

func TestListRun(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	if _, err := env.LoadConfig(t).Set("default_country", "DE"); err != nil {
		t.Fatal(err)
	}
	apiURL := env.Server.URL
	tests := []struct {
		name string
		tty  bool
		json bool
		want string
	}{
		{"piped", false, false, "api_url\t" + apiURL + "\tfile\ndefault_country\tDE\tfile\nroutes_api\tpinless\tdefault\n"},
		{"terminal", true, false, "KEY               VALUE" + strings.Repeat(" ", len(apiURL)-2) + "SOURCE\n" +
			"api_url           " + apiURL + "   file\n" +
			"default_country   DE" + strings.Repeat(" ", len(apiURL)+1) + "file\n" +
			"routes_api        pinless" + strings.Repeat(" ", len(apiURL)-4) + "default\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.Out.Reset()
			env.IO.SetStdoutTTY(tt.tty)
			if err := listRun(&ListOptions{IO: env.IO, Config: env.Factory.Config}); err != nil {
				t.Fatal(err)
			}
			if got := env.Out.String(); got != tt.want {
				t.Fatalf("stdout =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
	env.Out.Reset()
	if err := listRun(&ListOptions{IO: env.IO, Config: env.Factory.Config, Exporter: cmdutil.NewJSONExporter()}); err != nil {
		t.Fatal(err)
	}
	cfg := env.LoadConfig(t)
	want := `[
  {
    "key": "api_url",
    "value": "` + apiURL + `",
    "source": "file",
    "from": "` + cfg.ConfigFile() + `"
  },
  {
    "key": "default_country",
    "value": "DE",
    "source": "file",
    "from": "` + cfg.ConfigFile() + `"
  },
  {
    "key": "routes_api",
    "value": "pinless",
    "source": "default"
  }
]
`
	if env.Out.String() != want {
		t.Fatalf("json =\n%s\nwant\n%s", env.Out, want)
	}
}

func TestProfilesRun(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	cfg, err := config.Load(config.Options{Dir: env.ConfigDir, NoEnv: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.SetDefaultProfile("prod"); err != nil {
		t.Fatal(err)
	}
	env.IO.SetStdoutTTY(true)
	if err := profilesRun(&ProfilesOptions{IO: env.IO, Config: env.Factory.Config}); err != nil {
		t.Fatal(err)
	}
	want := "NAME      ACTIVE   DEFAULT   API KEY\n" +
		"default   no       no        stored\n" +
		"prod      yes      yes       none\n"
	if env.Out.String() != want {
		t.Fatalf("stdout =\n%q\nwant\n%q", env.Out, want)
	}
	env.Out.Reset()
	if err := profilesRun(&ProfilesOptions{IO: env.IO, Config: env.Factory.Config, Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if env.Out.String() != "default\nprod\n" {
		t.Fatalf("quiet stdout = %q", env.Out)
	}
}

// TestGetUnknownProfile: a profile that exists nowhere is an error naming it and the known
// ones, not the defaults printed as if they were its settings.
func TestGetUnknownProfile(t *testing.T) {
	env := cmdtest.New(t)
	cfg, err := config.Load(config.Options{Dir: env.ConfigDir, NoEnv: true, Flags: profileFlag("missing")})
	if err != nil {
		t.Fatal(err)
	}
	load := func() (*config.Config, error) { return cfg, nil }
	for name, run := range map[string]func() error{
		"get":  func() error { return getRun(&GetOptions{IO: env.IO, Config: load, Key: "api_url"}) },
		"list": func() error { return listRun(&ListOptions{IO: env.IO, Config: load}) },
	} {
		env.Out.Reset()
		err := run()
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), `profile "missing" (from --profile flag): no such profile; known profiles: default`) || env.Out.Len() != 0 {
			t.Errorf("%s: err = %v, stdout %q", name, err, env.Out)
		}
	}
}

func profileFlag(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet("dialin", pflag.ContinueOnError)
	fs.StringP(config.FlagProfile, "p", "", "")
	fs.String(config.FlagAPIURL, "", "")
	_ = fs.Parse([]string{"--profile", name})
	return fs
}
