package numberscmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
)

func TestNewCmdSearch(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	ok := []struct {
		args  []string
		want  daily.NumberSearch
		limit int
		quiet bool
		json  bool
	}{
		{nil, daily.NumberSearch{}, 20, false, false},
		{[]string{"--areacode", "415", "--contains", "555"}, daily.NumberSearch{AreaCode: "415", Contains: "555"}, 20, false, false},
		{[]string{"--region", " ca ", "--city", "San Francisco", "-L", "3"}, daily.NumberSearch{Region: "CA", City: "San Francisco"}, 3, false, false},
		{[]string{"--region", "NY", "--starts-with", "1212", "-q"}, daily.NumberSearch{Region: "NY", StartsWith: "1212"}, 20, true, false},
		{[]string{"--ends-with", "0100", "--jq", ".[].number"}, daily.NumberSearch{EndsWith: "0100"}, 20, false, true},
	}
	for _, tt := range ok {
		var got *SearchOptions
		err := cmdtest.Exec(NewCmdSearch(f, func(o *SearchOptions) error { got = o; return nil }), tt.args...)
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got.Filters != tt.want || got.Limit != tt.limit || got.Quiet != tt.quiet || (got.Exporter != nil) != tt.json {
			t.Errorf("%v: got %+v limit %d quiet %v json %v", tt.args, got.Filters, got.Limit, got.Quiet, got.Exporter != nil)
		}
	}
}

// searchRefusals are the filter combinations Daily refuses, with the one-line error each gets.
var searchRefusals = []struct {
	args []string
	want string
}{
	{[]string{"--areacode", "41"}, "--areacode: must be 3 digits"},
	{[]string{"--areacode", "41a"}, "--areacode: must be 3 digits"},
	{[]string{"--region", "California"}, "--region: must be a 2-letter state or province code such as CA"},
	{[]string{"--contains", "12"}, "--contains: must be 3 to 7 digits"},
	{[]string{"--starts-with", "12345678"}, "--starts-with: must be 3 to 7 digits"},
	{[]string{"--ends-with", "+1415"}, "--ends-with: must be 3 to 7 digits"},
	{[]string{"--region", "CA", "--areacode", "415"}, "--region: cannot be combined with --areacode"},
	{[]string{"--city", "Austin"}, "--city: requires --region"},
	{[]string{"--region", "TX", "--city", "Austin", "--contains", "555"}, "--city: cannot be combined with --areacode, --contains, --starts-with or --ends-with"},
	{[]string{"--starts-with", "415", "--ends-with", "0100"}, "--starts-with: cannot be combined with --contains or --ends-with"},
	{[]string{"--starts-with", "415", "--contains", "555"}, "--starts-with: cannot be combined with --contains or --ends-with"},
	{[]string{"--ends-with", "0100", "--contains", "555"}, "--ends-with: cannot be combined with --contains"},
	{[]string{"--limit", "0"}, "--limit: must be at least 1"},
	{[]string{"--jq", ".["}, ""},
}

func TestSearchRefusesBadFiltersBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	for _, tt := range searchRefusals {
		err := cmdtest.Exec(NewCmdSearch(env.Factory, nil), tt.args...)
		cmdtest.WantUsageError(t, err, tt.want)
	}
	env.WantNoRequests(t)
}

// The local rules are the client's rules: the same inputs pass and fail.
func TestValidateFiltersAgreesWithClient(t *testing.T) {
	t.Parallel()
	values := map[string][]string{"areacode": {"", "415", "41"}, "region": {"", "CA"}, "city": {"", "Austin"},
		"contains": {"", "555", "55"}, "starts_with": {"", "1415"}, "ends_with": {"", "0100"}}
	n := 0
	for _, ac := range values["areacode"] {
		for _, r := range values["region"] {
			for _, c := range values["city"] {
				for _, co := range values["contains"] {
					for _, sw := range values["starts_with"] {
						for _, ew := range values["ends_with"] {
							s := daily.NumberSearch{AreaCode: ac, Region: r, City: c, Contains: co, StartsWith: sw, EndsWith: ew}
							local, remote := validateFilters(s), s.Validate()
							if (local == nil) != (remote == nil) {
								t.Errorf("%+v: local %v, client %v", s, local, remote)
							}
							n++
						}
					}
				}
			}
		}
	}
	if n != 144 {
		t.Fatalf("checked %d combinations", n)
	}
}

func TestSearchRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tty  bool
		args []string
		want string
	}{
		{"terminal", true, []string{"--areacode", "415"},
			"NUMBER         REGION\n+14155550100   CA\n+14155550101   CA\n+14155550102   CA\n"},
		{"piped", false, []string{"--region", "CA"}, "+14155550100\tCA\n+14155550101\tCA\n+14155550102\tCA\n"},
		{"limit", false, []string{"--limit", "1"}, "+12125550100\tNY\n"},
		{"quiet", true, []string{"--ends-with", "0101", "-q"}, "+14155550101\n"},
		{"city", false, []string{"--region", "NY", "--city", "new york"}, "+12125550100\tNY\n"},
		{"jq", false, []string{"--starts-with", "415", "--jq", ".[].number"}, "+14155550100\n+14155550101\n+14155550102\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := newEnv(t)
			env.IO.SetStdoutTTY(tt.tty)
			if err := cmdtest.Exec(NewCmdSearch(env.Factory, nil), tt.args...); err != nil {
				t.Fatal(err)
			}
			if got := env.Out.String(); got != tt.want {
				t.Fatalf("stdout =\n%s\nwant\n%s", got, tt.want)
			}
			if n := env.Server.Count("GET", "/list-available-numbers"); n != 1 || len(env.Server.Requests()) != 1 {
				t.Fatalf("%d searches, %d requests; want 1", n, len(env.Server.Requests()))
			}
			assertNoSecrets(t, env)
		})
	}
}

func TestSearchJSON(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	if err := cmdtest.Exec(NewCmdSearch(env.Factory, nil), "--areacode", "212", "--json"); err != nil {
		t.Fatal(err)
	}
	var got []map[string]string
	if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{{"number": "+12125550100", "region": "NY"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("json = %v", got)
	}
}

func TestSearchNothingFound(t *testing.T) {
	t.Parallel()
	for _, tty := range []bool{true, false} {
		env, _ := newEnv(t)
		env.IO.SetStdoutTTY(tty)
		err := cmdtest.Exec(NewCmdSearch(env.Factory, nil), "--areacode", "303")
		var nr *cmdutil.NoResultsError
		if !errors.As(err, &nr) || nr.Message != "no available numbers match these filters" || env.Out.Len() != 0 {
			t.Fatalf("tty=%v: err %v, stdout %q", tty, err, env.Out)
		}
		if err := cmdtest.Exec(NewCmdSearch(env.Factory, nil), "--areacode", "303", "--json"); err != nil || env.Out.String() != "[]\n" {
			t.Fatalf("json: err %v, stdout %q", err, env.Out)
		}
	}
}

func TestSearchWithoutKey(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	err := searchRun(context.Background(), &SearchOptions{IO: env.IO, DailyClient: env.Factory.DailyClient, Limit: 20})
	var na *cmdutil.NoAuthError
	if !errors.As(err, &na) {
		t.Fatalf("err = %v, want NoAuthError (exit 4)", err)
	}
	env.WantNoRequests(t)
}

func TestSearchDailyError(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	env.Server.FailNext(500, 4) // GETs are retried: fail every attempt
	err := cmdtest.Exec(NewCmdSearch(env.Factory, nil), "--areacode", "415")
	var apiErr *daily.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 500 {
		t.Fatalf("err = %v", err)
	}
	assertNoSecrets(t, env, err.Error())
}

// TestSearchLimitAboveDailysPage: Daily answers one page (the emulator 20) and the search has
// no paging, so --limit 1000 shows what there is and says so on stderr, -q included.
func TestSearchLimitAboveDailysPage(t *testing.T) {
	env := cmdtest.New(t) // the seeded pool: more than one page of numbers
	if err := cmdtest.Exec(NewCmdSearch(env.Factory, nil), "--limit", "1000", "-q"); err != nil {
		t.Fatal(err)
	}
	n := strings.Count(env.Out.String(), "\n")
	want := fmt.Sprintf("! Daily answered %d numbers, fewer than --limit 1000: its search returns one page", n)
	if n == 0 || !strings.HasPrefix(env.ErrOut.String(), want) {
		t.Fatalf("%d numbers; stderr %q", n, env.ErrOut)
	}
	env.Out.Reset()
	env.ErrOut.Reset()
	if err := cmdtest.Exec(NewCmdSearch(env.Factory, nil), "--limit", "3", "-q"); err != nil || env.ErrOut.Len() != 0 || strings.Count(env.Out.String(), "\n") != 3 {
		t.Fatalf("--limit 3: %v, stdout %q, stderr %q", err, env.Out, env.ErrOut)
	}
}
