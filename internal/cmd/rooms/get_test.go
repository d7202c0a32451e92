package rooms

import (
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
)

func TestNewCmdGet(t *testing.T) {
	t.Parallel()
	var got *GetOptions
	if err := cmdtest.Exec(NewCmdGet(cmdtest.FactoryAt(start), func(o *GetOptions) error { got = o; return nil }), "support-1", "--jq", ".url"); err != nil {
		t.Fatal(err)
	}
	if got.Name != "support-1" || got.Exporter == nil {
		t.Fatalf("options %+v", got)
	}
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{nil, "accepts 1 arg(s), received 0"},
		{[]string{"a", "b"}, "accepts 1 arg(s), received 2"},
		{[]string{"a/b"}, `NAME: "a/b" may only contain A-Z, a-z, 0-9, '-' and '_'`},
	} {
		err := cmdtest.Exec(NewCmdGet(cmdtest.FactoryAt(start), func(*GetOptions) error { t.Fatal("runF called"); return nil }), tt.args...)
		cmdtest.WantUsageError(t, err, tt.msg)
	}
}

func TestGetRun(t *testing.T) {
	t.Parallel()
	const host = "@dailytest.sip.dailytest.localhost"
	env, clock := newEnv(t)
	req := sipRoom("support-1", 1)
	req.Properties.SIP.Video = true
	req.Properties.Exp = start.Add(90 * time.Minute).Unix()
	mustCreate(t, env, req)
	clock.Advance(30 * time.Minute)
	reset(env)

	opts := func() *GetOptions {
		return &GetOptions{IO: env.IO, DailyClient: env.Factory.DailyClient, Now: env.Factory.Now, Name: "support-1"}
	}
	env.IO.SetStdoutTTY(true)
	if err := getRun(t.Context(), opts()); err != nil {
		t.Fatal(err)
	}
	want := "Name:         support-1\n" +
		"URL:          https://dailytest.daily.co/support-1\n" +
		"SIP URI:      sip:support-1.0" + host + "\n" +
		"Display name: Caller\n" +
		"SIP:          dial-in, audio and video\n" +
		"Privacy:      public\n" +
		"Created:      2026-03-14T09:26:53Z (30m ago)\n" +
		"Expires:      2026-03-14T10:56:53Z (in 1h)\n"
	if got := env.Out.String(); got != want {
		t.Fatalf("stdout =\n%s\nwant\n%s", got, want)
	}

	env.Out.Reset()
	env.IO.SetStdoutTTY(false)
	if err := getRun(t.Context(), opts()); err != nil {
		t.Fatal(err)
	}
	if got := env.Out.String(); got != "support-1\thttps://dailytest.daily.co/support-1\tsip:support-1.0"+host+"\t2026-03-14T09:26:53Z\t2026-03-14T10:56:53Z\n" {
		t.Fatalf("piped stdout = %q", got)
	}

	env.Out.Reset()
	if err := cmdtest.Exec(NewCmdGet(env.Factory, nil), "support-1", "--jq", "[.name, .sip_endpoints[0], .config.sip.video]"); err != nil {
		t.Fatal(err)
	}
	if got := env.Out.String(); got != `["support-1","sip:support-1.0`+host+`",true]`+"\n" {
		t.Fatalf("--jq stdout = %q", got)
	}
	noOutput(t, env.ErrOut)
	if n := env.Server.Count("GET", "/rooms/support-1"); n != 3 {
		t.Fatalf("GET /rooms/support-1 %d times", n)
	}
}

func TestGetRunNotFound(t *testing.T) {
	t.Parallel()
	env, clock := newEnv(t)
	req := sipRoom("short-lived", 1)
	req.Properties.Exp = start.Add(time.Minute).Unix()
	mustCreate(t, env, req)
	clock.Advance(2 * time.Minute) // expired rooms are gone on Daily

	for _, name := range []string{"nope", "short-lived"} {
		err := getRun(t.Context(), &GetOptions{IO: env.IO, DailyClient: env.Factory.DailyClient, Now: env.Factory.Now, Name: name})
		if !daily.IsNotFound(err) || err.Error() != "room "+name+" not found (an expired room counts as deleted)" {
			t.Fatalf("err = %v", err)
		}
	}
	noOutput(t, env.Out)
}
