package rooms

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
)

func TestNewCmdList(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args      []string
		wantLimit int
		wantQuiet bool
		wantJSON  bool
	}{
		{nil, 0, false, false},
		{[]string{"--limit", "3"}, 3, false, false},
		{[]string{"-L", "1", "-q"}, 1, true, false},
		{[]string{"--json"}, 0, false, true},
		{[]string{"--jq", ".[].name"}, 0, false, true},
	} {
		var got *ListOptions
		if err := cmdtest.Exec(NewCmdList(cmdtest.FactoryAt(start), func(o *ListOptions) error { got = o; return nil }), tt.args...); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got.Limit != tt.wantLimit || got.Quiet != tt.wantQuiet || (got.Exporter != nil) != tt.wantJSON {
			t.Fatalf("%v: limit %d quiet %v json %v", tt.args, got.Limit, got.Quiet, got.Exporter != nil)
		}
	}
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--limit", "0"}, "--limit: must be at least 1, not 0"},
		{[]string{"--limit", "-2"}, "--limit: must be at least 1, not -2"},
		{[]string{"extra"}, `unknown command "extra" for "list"`},
	} {
		err := cmdtest.Exec(NewCmdList(cmdtest.FactoryAt(start), func(*ListOptions) error { t.Fatal("runF called"); return nil }), tt.args...)
		cmdtest.WantUsageError(t, err, tt.msg)
	}
}

// threeRooms creates, a minute apart: a plain room, a SIP room with 2 endpoints and an
// expiry, and a SIP room with one endpoint. The clock ends 2 minutes after the last one.
func threeRooms(t *testing.T) (*cmdtest.Env, []daily.Room) {
	env, clock := newEnv(t)
	var rooms []daily.Room
	for _, req := range []daily.CreateRoomRequest{
		{Name: "plain"},
		func() daily.CreateRoomRequest {
			r := sipRoom("two-lines", 2)
			r.Properties.Exp = start.Add(3 * time.Hour).Unix()
			return r
		}(),
		sipRoom("one-line", 1),
	} {
		rooms = append(rooms, mustCreate(t, env, req))
		clock.Advance(time.Minute)
	}
	clock.Advance(time.Minute)
	reset(env)
	return env, rooms
}

func TestListRun(t *testing.T) {
	t.Parallel()
	const host = "@dailytest.sip.dailytest.localhost"
	env, _ := threeRooms(t)

	env.IO.SetStdoutTTY(true)
	if err := listRun(t.Context(), &ListOptions{IO: env.IO, DailyClient: env.Factory.DailyClient, Now: env.Factory.Now}); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"NAME        URL                                    SIP                                                      CREATED   EXP\n" +
		"one-line    https://dailytest.daily.co/one-line    sip:one-line.0" + host + "         2m ago    never\n" +
		"two-lines   https://dailytest.daily.co/two-lines   sip:two-lines.0" + host + " (+1)   3m ago    in 2h56m\n" +
		"plain       https://dailytest.daily.co/plain                                                                4m ago    never\n"
	if got := env.Out.String(); got != want {
		t.Fatalf("terminal stdout =\n%s\nwant\n%s", got, want)
	}
	noOutput(t, env.ErrOut)

	env.Out.Reset()
	env.IO.SetStdoutTTY(false)
	if err := listRun(t.Context(), &ListOptions{IO: env.IO, DailyClient: env.Factory.DailyClient, Now: env.Factory.Now}); err != nil {
		t.Fatal(err)
	}
	want = "" +
		"one-line\thttps://dailytest.daily.co/one-line\tsip:one-line.0" + host + "\t2026-03-14T09:28:53Z\t\n" +
		"two-lines\thttps://dailytest.daily.co/two-lines\tsip:two-lines.0" + host + ",sip:two-lines.1" + host + "\t2026-03-14T09:27:53Z\t2026-03-14T12:26:53Z\n" +
		"plain\thttps://dailytest.daily.co/plain\t\t2026-03-14T09:26:53Z\t\n"
	if got := env.Out.String(); got != want {
		t.Fatalf("piped stdout =\n%q\nwant\n%q", got, want)
	}
	noOutput(t, env.ErrOut)
}

func TestListRunQuietJSONAndJQ(t *testing.T) {
	t.Parallel()
	env, _ := threeRooms(t)
	run := func(args ...string) string {
		t.Helper()
		env.Out.Reset()
		if err := cmdtest.Exec(NewCmdList(env.Factory, nil), args...); err != nil {
			t.Fatal(err)
		}
		return env.Out.String()
	}
	if got := run("--jq", ".[].name"); got != "one-line\ntwo-lines\nplain\n" {
		t.Fatalf("--jq = %q", got)
	}
	var rooms []RoomJSON
	if err := json.Unmarshal([]byte(run("--json")), &rooms); err != nil || len(rooms) != 3 {
		t.Fatalf("--json: %v, %d rooms", err, len(rooms))
	}
	if rooms[1].Name != "two-lines" || len(rooms[1].SIPEndpoints) != 2 || rooms[2].SIPEndpoints == nil || len(rooms[2].SIPEndpoints) != 0 {
		t.Fatalf("--json rooms = %+v", rooms)
	}
	if got := run("--limit", "2", "-q"); got != "one-line\ntwo-lines\n" {
		t.Fatalf("-q --limit 2 = %q", got)
	}
	noOutput(t, env.ErrOut)
}

func TestListRunAllPages(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	for _, n := range []string{"r1", "r2", "r3", "r4", "r5"} {
		mustCreate(t, env, daily.CreateRoomRequest{Name: n})
	}
	reset(env)
	opts := &ListOptions{IO: env.IO, DailyClient: env.Factory.DailyClient, Now: env.Factory.Now, Quiet: true, pageSize: 2}
	if err := listRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if got := env.Out.String(); got != "r5\nr4\nr3\nr2\nr1\n" {
		t.Fatalf("stdout = %q", got)
	}
	if n := env.Server.Count("GET", "/rooms"); n != 3 {
		t.Fatalf("GET /rooms %d times, want 3 pages", n)
	}

	// --limit stops paging once it has enough.
	reset(env)
	opts.Limit = 3
	if err := listRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if got, n := env.Out.String(), env.Server.Count("GET", "/rooms"); got != "r5\nr4\nr3\n" || n != 2 {
		t.Fatalf("--limit 3: stdout %q after %d pages", got, n)
	}
}

func TestListRunEmpty(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	err := listRun(t.Context(), &ListOptions{IO: env.IO, DailyClient: env.Factory.DailyClient, Now: env.Factory.Now})
	var nr *cmdutil.NoResultsError
	if !errors.As(err, &nr) || nr.Message != "no rooms on this domain" {
		t.Fatalf("err = %v", err)
	}
	noOutput(t, env.Out)
	if err := cmdtest.Exec(NewCmdList(env.Factory, nil), "--json"); err != nil {
		t.Fatal(err)
	}
	if got := env.Out.String(); got != "[]\n" {
		t.Fatalf("--json of no rooms = %q", got)
	}
}
