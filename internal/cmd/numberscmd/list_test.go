package numberscmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestNewCmdList(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	for _, tt := range []struct {
		args  []string
		limit int
		quiet bool
		json  bool
	}{{nil, 0, false, false}, {[]string{"-L", "5", "-q"}, 5, true, false}, {[]string{"--json"}, 0, false, true}} {
		var got *ListOptions
		if err := cmdtest.Exec(NewCmdList(f, func(o *ListOptions) error { got = o; return nil }), tt.args...); err != nil {
			t.Fatal(err)
		}
		if got.Limit != tt.limit || got.Quiet != tt.quiet || (got.Exporter != nil) != tt.json {
			t.Errorf("%v: %+v", tt.args, got)
		}
	}
	for _, args := range [][]string{{"--limit", "0"}, {"--limit", "-1"}} {
		err := cmdtest.Exec(NewCmdList(f, func(*ListOptions) error { t.Fatal("ran"); return nil }), args...)
		cmdtest.WantUsageError(t, err, "--limit: must be at least 1")
	}
	cmdtest.WantUsageError(t, cmdtest.Exec(NewCmdList(f, nil), "extra"), "")
}

// listFixture owns three numbers: one routed to a webhook, one used for PIN dial-in, one free.
func listFixture(t *testing.T) (*cmdtest.Env, map[string]string) {
	env, _ := newEnv(t)
	ids := map[string]string{
		"+14155550100": env.Server.SeedPurchased("+14155550100", start.Add(-48*time.Hour)),
		"+14155550101": env.Server.SeedPurchased("+14155550101", start.Add(-24*time.Hour)),
		"+12125550100": env.Server.SeedPurchased("+12125550100", start),
	}
	setRoute(t, env, "+14155550100", "https://bots.example.com/dialin", "support")
	_, err := env.Client(t).UpdateDomain(context.Background(), map[string]any{
		"pin_dialin": []map[string]any{{"phone_number": "+14155550101", "room_creation_api": "https://pin.example.com/x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	env.Server.ResetRequests()
	return env, ids
}

func TestListRun(t *testing.T) {
	t.Parallel()
	env, ids := listFixture(t)
	env.IO.SetStdoutTTY(true)
	if err := cmdtest.Exec(NewCmdList(env.Factory, nil)); err != nil {
		t.Fatal(err)
	}
	// E.164 on a terminal too: the form routes list, serve's rules and logs use.
	want := "NUMBER         ID                                     ROUTE                                       CREATED\n" +
		"+12125550100   " + ids["+12125550100"] + "   -                                           2025-03-14 04:46 UTC\n" +
		"+14155550101   " + ids["+14155550101"] + "   PIN dial-in                                 2025-03-13 04:46 UTC\n" +
		"+14155550100   " + ids["+14155550100"] + "   https://bots.example.com/dialin (support)   2025-03-12 04:46 UTC\n"
	if got := env.Out.String(); got != want {
		t.Fatalf("stdout =\n%s\nwant\n%s", got, want)
	}
	if env.Server.Count("GET", "/purchased-phone-numbers") != 1 || env.Server.Count("GET", "/") != 1 {
		t.Fatalf("requests: %+v", env.Server.Requests())
	}
	assertNoSecrets(t, env)

	env.IO.SetStdoutTTY(false)
	reset(env)
	if err := cmdtest.Exec(NewCmdList(env.Factory, nil)); err != nil {
		t.Fatal(err)
	}
	want = "+12125550100\t" + ids["+12125550100"] + "\t-\t2025-03-14T04:46:31.000Z\n" +
		"+14155550101\t" + ids["+14155550101"] + "\tPIN dial-in\t2025-03-13T04:46:31.000Z\n" +
		"+14155550100\t" + ids["+14155550100"] + "\thttps://bots.example.com/dialin (support)\t2025-03-12T04:46:31.000Z\n"
	if got := env.Out.String(); got != want {
		t.Fatalf("piped stdout =\n%s\nwant\n%s", got, want)
	}

	reset(env)
	if err := cmdtest.Exec(NewCmdList(env.Factory, nil), "-q"); err != nil || env.Out.String() != "+12125550100\n+14155550101\n+14155550100\n" {
		t.Fatalf("-q: %v %q", err, env.Out)
	}
}

func TestListJSONHasRoutesWithoutSecrets(t *testing.T) {
	t.Parallel()
	env, ids := listFixture(t)
	if err := cmdtest.Exec(NewCmdList(env.Factory, nil), "--json"); err != nil {
		t.Fatal(err)
	}
	out := env.Out.String()
	if strings.Contains(out, "hmac") {
		t.Fatalf("json mentions hmac: %s", out)
	}
	assertNoSecrets(t, env)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 3 {
		t.Fatalf("json %s: %v", out, err)
	}
	if rows[0]["route"] != nil || rows[0]["number"] != "+12125550100" || rows[0]["id"] != ids["+12125550100"] ||
		rows[0]["created_date"] != "2025-03-14T04:46:31.000Z" {
		t.Fatalf("row 0 = %v", rows[0])
	}
	if r := rows[1]["route"].(map[string]any); r["type"] != "pin_dialin" {
		t.Fatalf("row 1 route = %v", r)
	}
	r := rows[2]["route"].(map[string]any)
	if r["type"] != "pinless_dialin" || r["room_creation_api"] != "https://bots.example.com/dialin" || r["name_prefix"] != "support" ||
		!strings.Contains(fmt.Sprint(r["sip_uri"]), "pinless-sip") {
		t.Fatalf("row 2 route = %v", r)
	}

	reset(env)
	err := cmdtest.Exec(NewCmdList(env.Factory, nil), "--jq", `.[] | select(.route == null) | .number`)
	if err != nil || env.Out.String() != "+12125550100\n" {
		t.Fatalf("jq: %v %q", err, env.Out)
	}
}

func TestListPagesAndLimit(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t, dailytest.WithoutRateLimit())
	for i := range 60 {
		env.Server.SeedPurchased(fmt.Sprintf("+1303555%04d", i), start.Add(time.Duration(i)*time.Minute))
	}
	if err := cmdtest.Exec(NewCmdList(env.Factory, nil), "-q"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(env.Out.String()), "\n")
	if len(lines) != 60 || lines[0] != "+13035550059" || lines[59] != "+13035550000" {
		t.Fatalf("%d lines: first %q last %q", len(lines), lines[0], lines[len(lines)-1])
	}
	if n := env.Server.Count("GET", "/purchased-phone-numbers"); n != 2 {
		t.Fatalf("%d pages read, want 2", n)
	}
	reset(env)
	if err := cmdtest.Exec(NewCmdList(env.Factory, nil), "-q", "--limit", "3"); err != nil || env.Out.String() != "+13035550059\n+13035550058\n+13035550057\n" {
		t.Fatalf("--limit 3: %v %q", err, env.Out)
	}
	if n := env.Server.Count("GET", "/purchased-phone-numbers"); n != 1 {
		t.Fatalf("%d pages read for --limit 3, want 1", n)
	}
}

func TestListEmpty(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	env.IO.SetStdoutTTY(true)
	err := cmdtest.Exec(NewCmdList(env.Factory, nil))
	var nr *cmdutil.NoResultsError
	if !errors.As(err, &nr) || !strings.Contains(nr.Message, "no phone numbers on this domain") || env.Out.Len() != 0 {
		t.Fatalf("err %v stdout %q", err, env.Out)
	}
	if err := cmdtest.Exec(NewCmdList(env.Factory, nil), "--json"); err != nil || env.Out.String() != "[]\n" {
		t.Fatalf("json: %v %q", err, env.Out)
	}
}

func TestListWithoutKey(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	var na *cmdutil.NoAuthError
	if err := cmdtest.Exec(NewCmdList(env.Factory, nil)); !errors.As(err, &na) {
		t.Fatalf("err = %v", err)
	}
	env.WantNoRequests(t)
}
