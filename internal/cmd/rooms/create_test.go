package rooms

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
)

func TestNewCmdCreate(t *testing.T) {
	t.Parallel()
	inAnHour := start.Unix() + 3600
	tests := []struct {
		args     []string
		want     CreateOptions
		wantJSON bool
	}{
		// A SIP room expires in an hour unless told otherwise (it is for one held call).
		{[]string{"--sip"}, CreateOptions{SIP: true, DisplayName: "Caller", NumEndpoints: 1, Exp: inAnHour}, false},
		{[]string{"--sip", "--exp", "never"}, CreateOptions{SIP: true, DisplayName: "Caller", NumEndpoints: 1}, false},
		{[]string{"--sip", "--eject-at-exp"}, CreateOptions{SIP: true, DisplayName: "Caller", NumEndpoints: 1, Exp: inAnHour, EjectAtExp: true}, false},
		{[]string{"--name", "plain"}, CreateOptions{Name: "plain", DisplayName: "Caller", NumEndpoints: 1}, false},
		{[]string{"--sip", "--name", "support-1", "--display-name", "+14155550100", "--num-endpoints", "5", "--video",
			"--exp", "1h", "--eject-at-exp", "--privacy", "private"},
			CreateOptions{SIP: true, Name: "support-1", DisplayName: "+14155550100", NumEndpoints: 5, Video: true,
				Exp: inAnHour, EjectAtExp: true, Privacy: "private"}, false},
		{[]string{"--sip", "--exp", strconv.FormatInt(inAnHour, 10)}, CreateOptions{SIP: true, DisplayName: "Caller", NumEndpoints: 1, Exp: inAnHour}, false},
		{[]string{"--sip", "--exp", "2026-03-14T10:26:53Z"}, CreateOptions{SIP: true, DisplayName: "Caller", NumEndpoints: 1, Exp: inAnHour}, false},
		{[]string{"--sip", "--exp", "364d"}, CreateOptions{SIP: true, DisplayName: "Caller", NumEndpoints: 1, Exp: start.Unix() + 364*86400}, false},
		// An ordinary room has no 365-day rule.
		{[]string{"--exp", "400d", "--name", "A_b-9"}, CreateOptions{Name: "A_b-9", DisplayName: "Caller", NumEndpoints: 1, Exp: start.Unix() + 400*86400}, false},
		{[]string{"--sip", "--json"}, CreateOptions{SIP: true, DisplayName: "Caller", NumEndpoints: 1, Exp: inAnHour}, true},
		{[]string{"--sip", "--jq", ".name"}, CreateOptions{SIP: true, DisplayName: "Caller", NumEndpoints: 1, Exp: inAnHour}, true},
		{[]string{"--sip", "-q"}, CreateOptions{SIP: true, DisplayName: "Caller", NumEndpoints: 1, Quiet: true, Exp: inAnHour}, false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *CreateOptions
			err := cmdtest.Exec(NewCmdCreate(cmdtest.FactoryAt(start), func(o *CreateOptions) error { got = o; return nil }), tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if (got.Exporter != nil) != tt.wantJSON {
				t.Fatalf("exporter set = %v", got.Exporter != nil)
			}
			g := *got
			g.IO, g.DailyClient, g.Now, g.Exporter = nil, nil, nil, nil
			if !reflect.DeepEqual(g, tt.want) {
				t.Fatalf("options\n  %+v\nwant\n  %+v", g, tt.want)
			}
		})
	}
}

// badCreateArgs are refused with exit 64 before any request.
var badCreateArgs = []struct {
	args []string
	msg  string
}{
	{[]string{"--sip", "--name", "bad name"}, `--name: "bad name" may only contain A-Z, a-z, 0-9, '-' and '_'`},
	{[]string{"--sip", "--name", strings.Repeat("x", 129)}, "--name: must be at most 128 characters"},
	{[]string{"--sip", "--num-endpoints", "0"}, "--num-endpoints: must be 1 to 5 (Daily's SIP sessions per room), not 0"},
	{[]string{"--sip", "--num-endpoints", "6"}, "--num-endpoints: must be 1 to 5 (Daily's SIP sessions per room), not 6"},
	{[]string{"--num-endpoints", "2"}, "--num-endpoints: only with --sip (this would be an ordinary room)"},
	{[]string{"--display-name", "Bob"}, "--display-name: only with --sip (this would be an ordinary room)"},
	{[]string{"--video"}, "--video: only with --sip (this would be an ordinary room)"},
	{[]string{"--sip", "--display-name", " "}, "--display-name: must not be empty (Daily requires it for a SIP room)"},
	{[]string{"--sip", "--exp", "-1h"}, "--exp: must be in the future, not 2026-03-14T08:26:53Z"},
	{[]string{"--sip", "--exp", "0s"}, "--exp: must be in the future, not 2026-03-14T09:26:53Z"},
	{[]string{"--sip", "--exp", "3600"}, "--exp: must be in the future, not 1970-01-01T01:00:00Z (a bare number is a Unix time; write 1h for one hour from now)"},
	{[]string{"--sip", "--exp", "365d"}, "--exp: must be less than 365 days ahead, not 2027-03-14T09:26:53Z (Daily's rule for rooms that carry PSTN calls)"},
	{[]string{"--sip", "--exp", "soon"}, `--exp: "soon" is not a duration (90m, 1h, 7d), a Unix time or an RFC 3339 time`},
	{[]string{"--sip", "--exp", ""}, "--exp: must not be empty (a duration such as 1h, a Unix time, or an RFC 3339 time)"},
	{[]string{"--sip", "--exp", "never", "--eject-at-exp"}, "--eject-at-exp: needs --exp (a room without expiry never ejects)"},
	{[]string{"--sip", "--privacy", "secret"}, `--privacy: must be public or private, not "secret"`},
	{[]string{"--sip", "--num-endpoints", "two"}, `invalid argument "two" for "--num-endpoints" flag: strconv.ParseInt: parsing "two": invalid syntax`},
	{[]string{"--sip", "--jq", ".["}, "--jq: unexpected EOF"},
	{[]string{"--sip", "support-1"}, `unknown command "support-1" for "create"`},
}

func TestCreateRefusesBadInputBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	for _, tt := range badCreateArgs {
		err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), tt.args...)
		cmdtest.WantUsageError(t, err, tt.msg)
	}
	env.WantNoRequests(t)
	noOutput(t, env.Out, env.ErrOut)
}

func TestCreateRunSIPRoom(t *testing.T) {
	t.Parallel()
	const host = "@dailytest.sip.dailytest.localhost"
	args := []string{"--sip", "--name", "support-1", "--display-name", "+14155550100", "--num-endpoints", "2",
		"--exp", "1h", "--eject-at-exp"}

	t.Run("terminal", func(t *testing.T) {
		env, _ := newEnv(t)
		env.IO.SetStdoutTTY(true)
		if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), args...); err != nil {
			t.Fatal(err)
		}
		want := "Name:         support-1\n" +
			"URL:          https://dailytest.daily.co/support-1\n" +
			"SIP URI:      sip:support-1.0" + host + "\n" +
			"              sip:support-1.1" + host + "\n" +
			"Display name: +14155550100\n" +
			"SIP:          dial-in, audio only\n" +
			"Privacy:      public\n" +
			"Created:      2026-03-14T09:26:53Z (just now)\n" +
			"Expires:      2026-03-14T10:26:53Z (in 1h, participants ejected then)\n"
		if got := env.Out.String(); got != want {
			t.Fatalf("stdout =\n%s\nwant\n%s", got, want)
		}
		if got := env.ErrOut.String(); got != "✓ Created SIP dial-in room support-1\n" {
			t.Fatalf("stderr = %q", got)
		}
		// What Daily stored is what was asked for.
		r, err := env.Client(t).Room(t.Context(), "support-1")
		if err != nil {
			t.Fatal(err)
		}
		sip := r.Config.SIP
		if sip == nil || sip.SIPMode != "dial-in" || sip.NumEndpoints != 2 || sip.DisplayName != "+14155550100" || sip.Video ||
			r.Config.Exp != start.Unix()+3600 || !r.Config.EjectAtRoomExp {
			t.Fatalf("stored room %+v (sip %+v)", r, sip)
		}
	})

	t.Run("piped", func(t *testing.T) {
		env, _ := newEnv(t)
		if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), args...); err != nil {
			t.Fatal(err)
		}
		want := "support-1\thttps://dailytest.daily.co/support-1\tsip:support-1.0" + host + ",sip:support-1.1" + host +
			"\t2026-03-14T09:26:53Z\t2026-03-14T10:26:53Z\n"
		if got := env.Out.String(); got != want {
			t.Fatalf("stdout =\n%q\nwant\n%q", got, want)
		}
		noOutput(t, env.ErrOut)
		if n := env.Server.Count("POST", "/rooms"); n != 1 {
			t.Fatalf("POST /rooms %d times", n)
		}
	})

	t.Run("json", func(t *testing.T) {
		env, _ := newEnv(t)
		if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), append(args, "--json")...); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Name   string `json:"name"`
			URL    string `json:"url"`
			Config struct {
				Exp    int64 `json:"exp"`
				SIPURI struct {
					Endpoint string `json:"endpoint"`
				} `json:"sip_uri"`
			} `json:"config"`
			SIPEndpoints []string `json:"sip_endpoints"`
		}
		if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil {
			t.Fatalf("%v: %s", err, env.Out)
		}
		// Daily's object is kept as is (the emulator's endpoint has no sip:); sip_endpoints is normalised.
		if got.Name != "support-1" || got.Config.Exp != start.Unix()+3600 || got.Config.SIPURI.Endpoint != "support-1.0"+host ||
			strings.Join(got.SIPEndpoints, " ") != "sip:support-1.0"+host+" sip:support-1.1"+host {
			t.Fatalf("json = %+v", got)
		}
		noOutput(t, env.ErrOut)
	})

	t.Run("jq and quiet", func(t *testing.T) {
		env, _ := newEnv(t)
		if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), "--sip", "--name", "a", "--jq", ".sip_endpoints[0]"); err != nil {
			t.Fatal(err)
		}
		if got := env.Out.String(); got != "sip:a.0"+host+"\n" {
			t.Fatalf("--jq stdout = %q", got)
		}
		env.Out.Reset()
		env.IO.SetStdoutTTY(true) // -q prints only the name, even on a terminal
		if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), "--sip", "-q"); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(env.Out.String(), "\n")
		if err := daily.ValidateRoomName(name); err != nil || name+"\n" != env.Out.String() {
			t.Fatalf("-q stdout = %q (a name chosen by Daily)", env.Out)
		}
		noOutput(t, env.ErrOut)
	})
}

func TestCreateRunOrdinaryRoom(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	env.IO.SetStdoutTTY(true)
	if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), "--name", "standup", "--privacy", "private"); err != nil {
		t.Fatal(err)
	}
	want := "Name:         standup\n" +
		"URL:          https://dailytest.daily.co/standup\n" +
		"Privacy:      private\n" +
		"Created:      2026-03-14T09:26:53Z (just now)\n" +
		"Expires:      never\n"
	if got := env.Out.String(); got != want {
		t.Fatalf("stdout =\n%s\nwant\n%s", got, want)
	}
	if got := env.ErrOut.String(); got != "✓ Created room standup\n" {
		t.Fatalf("stderr = %q", got)
	}
	env.Out.Reset()
	if err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), "--name", "standup2", "--jq", ".sip_endpoints"); err != nil {
		t.Fatal(err)
	}
	if got := env.Out.String(); got != "[]\n" {
		t.Fatalf("sip_endpoints of an ordinary room = %q, want []", got)
	}
}

func TestCreateDuplicateNameHints(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	mustCreate(t, env, sipRoom("support-1", 1))
	err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), "--sip", "--name", "support-1")
	var apiErr *daily.APIError
	var hint *cmdutil.HintError
	var fe *cmdutil.FlagError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || errors.As(err, &fe) {
		t.Fatalf("err = %v, want Daily's 400", err)
	}
	if !errors.As(err, &hint) || hint.Hint() != "pick another --name, or use the existing room: `dialin rooms get support-1`" {
		t.Fatalf("hint = %v", err)
	}
	noOutput(t, env.Out)
}

func TestCreateLostAnswerHints(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	env.Server.FailNext(503, 1)
	err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), "--sip", "--name", "support-1")
	var hint *cmdutil.HintError
	if !errors.As(err, &hint) || !strings.Contains(hint.Hint(), "`dialin rooms get support-1` before trying again") {
		t.Fatalf("err = %v", err)
	}
	if n := env.Server.Count("POST", "/rooms"); n != 1 {
		t.Fatalf("POST /rooms %d times: room creation must not be retried", n)
	}
}

func TestCreateWithoutKey(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	err := cmdtest.Exec(NewCmdCreate(env.Factory, nil), "--sip")
	var na *cmdutil.NoAuthError
	if !errors.As(err, &na) || len(env.Server.Requests()) != 0 {
		t.Fatalf("err = %v, %d requests", err, len(env.Server.Requests()))
	}
}
