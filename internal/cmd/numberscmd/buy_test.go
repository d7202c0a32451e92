package numberscmd

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
)

func TestNewCmdBuy(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	ok := []struct {
		args []string
		want BuyOptions
	}{
		{[]string{"+14155550100"}, BuyOptions{Numbers: []string{"+14155550100"}}},
		{[]string{"415 555 0100", "+14155550101", "--yes", "--default-country", "us"}, BuyOptions{Numbers: []string{"415 555 0100", "+14155550101"}, Yes: true, Country: "US"}},
		{[]string{"--random", "-y", "-q"}, BuyOptions{Random: true, Yes: true, Quiet: true}},
		{[]string{"--random", "--dry-run"}, BuyOptions{Random: true, DryRun: true}},
		// --region, the old name (deprecated: in `numbers search` it is a state), still works.
		{[]string{"+14155550100", "--region", "ca"}, BuyOptions{Numbers: []string{"+14155550100"}, Country: "CA"}},
	}
	for _, tt := range ok {
		var got *BuyOptions
		if err := cmdtest.Exec(NewCmdBuy(f, func(o *BuyOptions) error { got = o; return nil }), tt.args...); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if (len(got.Numbers) > 0 || len(tt.want.Numbers) > 0) && !reflect.DeepEqual(got.Numbers, tt.want.Numbers) || got.Random != tt.want.Random || got.DryRun != tt.want.DryRun ||
			got.Yes != tt.want.Yes || got.Country != tt.want.Country || got.Quiet != tt.want.Quiet {
			t.Errorf("%v: got %+v", tt.args, got)
		}
	}
}

func TestBuyRefusesBadInputBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	tests := []struct {
		args []string
		want string
	}{
		{nil, "NUMBER: name the numbers to buy (e.g. +14155550100), or pass --random to buy one number Daily picks"},
		{[]string{"--yes"}, "NUMBER: name the numbers to buy (e.g. +14155550100), or pass --random to buy one number Daily picks"},
		{[]string{"+14155550100", "--random"}, "--random: cannot be combined with numbers to buy"},
		{[]string{"+14155550100", "--default-country", "XX"}, "--default-country: must be a two-letter country code with a phone numbering plan, e.g. US, GB, DE"},
		{[]string{"not-a-number", "--yes"}, `phone number "not-a-number": not a valid E.164 number (expected like +14155550100)`},
		{[]string{"+1415", "--yes"}, `phone number "+1415": not a valid E.164 number (wrong number of digits) (expected like +14155550100)`},
		{[]string{"+14155550100", "(415) 555-0100", "--yes"}, "NUMBER: +14155550100 is given twice"},
		// Not interactive and no --yes: refused before anything is sent.
		{[]string{"+14155550100"}, "Buy +14155550100: refusing without --yes when not running interactively"},
		{[]string{"--random"}, "Buy a random number: refusing without --yes when not running interactively"},
		{[]string{"+14155550100", "+14155550101", "+14155550102", "+12125550100"}, "Buy these 4 numbers: refusing without --yes when not running interactively"},
	}
	for _, tt := range tests {
		err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), tt.args...)
		cmdtest.WantUsageError(t, err, tt.want)
		if env.Out.Len() != 0 {
			t.Fatalf("%v: stdout %q", tt.args, env.Out)
		}
	}
	env.WantNoRequests(t)
}

func TestBuyOnTerminalAsks(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{"y\n", "n\n", ""} {
		env, _ := newEnv(t)
		env.IO.SetStdinTTY(true)
		env.IO.SetStdoutTTY(true)
		env.In.WriteString(answer)
		err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "+1 415 555 0100")
		stderr := env.ErrOut.String()
		for _, want := range []string{"About to buy 1 number on Daily:\n  +14155550100\n",
			"Numbers are paid (pay-as-you-go) and cannot be released for 14 days after purchase.",
			"Buy +14155550100? [y/N] "} {
			if !strings.Contains(stderr, want) {
				t.Fatalf("answer %q: stderr lacks %q:\n%s", answer, want, stderr)
			}
		}
		bought := env.Server.Count("POST", "/buy-phone-number")
		if answer == "y\n" {
			if err != nil || bought != 1 {
				t.Fatalf("yes: err %v, %d purchases", err, bought)
			}
			if !strings.HasPrefix(env.Out.String(), "NUMBER         ID\n+14155550100   ") {
				t.Fatalf("stdout = %q", env.Out)
			}
			continue
		}
		if !errors.Is(err, cmdutil.ErrCancel) || bought != 0 || env.Out.Len() != 0 {
			t.Fatalf("answer %q: err %v, %d purchases, stdout %q", answer, err, bought, env.Out)
		}
	}
}

func TestBuyWithYes(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "4155550100", "+1 (415) 555-0101", "--yes")
	if err != nil {
		t.Fatal(err)
	}
	owned := ownedNumbers(t, env)
	lines := strings.Split(strings.TrimSpace(env.Out.String()), "\n")
	if len(lines) != 2 || len(owned) != 2 {
		t.Fatalf("stdout %q, owned %v", env.Out, owned)
	}
	for i, n := range []string{"+14155550100", "+14155550101"} {
		if want := n + "\t" + owned[n]; lines[i] != want {
			t.Fatalf("line %d = %q, want %q", i, lines[i], want)
		}
		if !strings.Contains(env.ErrOut.String(), "✓ Bought "+n+" (id "+owned[n]+")\n") {
			t.Fatalf("stderr = %q", env.ErrOut)
		}
	}
	if n := env.Server.Count("POST", "/buy-phone-number"); n != 2 {
		t.Fatalf("%d purchases", n)
	}
	assertNoSecrets(t, env)
}

// ownedNumbers maps each purchased number to its id.
func ownedNumbers(t *testing.T, env *cmdtest.Env) map[string]string {
	t.Helper()
	all, err := daily.Collect(env.Client(t).PurchasedNumbers(context.Background(), daily.PurchasedNumberQuery{}))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range all {
		out[p.Number] = p.ID
	}
	return out
}

func TestBuyJSONQuietAndRandom(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	if err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "+14155550100", "--yes", "--json"); err != nil {
		t.Fatal(err)
	}
	var got []daily.PurchasedNumber
	if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil || len(got) != 1 || got[0].Number != "+14155550100" || got[0].ID == "" {
		t.Fatalf("json %q: %v", env.Out, err)
	}
	reset(env)
	if err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "--random", "--yes", "-q"); err != nil {
		t.Fatal(err)
	}
	random := strings.TrimSpace(env.Out.String())
	if _, owned := ownedNumbers(t, env)[random]; !owned || random == "+14155550100" || env.ErrOut.Len() != 0 {
		t.Fatalf("-q printed %q (stderr %q)", random, env.ErrOut)
	}
	reset(env)
	if err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "+12125550100", "--yes", "--jq", ".[0].number"); err != nil || env.Out.String() != "+12125550100\n" {
		t.Fatalf("jq: %v %q", err, env.Out)
	}
}

func TestBuyDryRunSendsNothing(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	if err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "+12125550100", "+14155550100", "--dry-run"); err != nil {
		t.Fatal(err)
	}
	if env.Out.String() != "+12125550100\n+14155550100\n" ||
		env.ErrOut.String() != "Dry run: would buy 2 numbers; nothing was bought.\n" {
		t.Fatalf("stdout %q stderr %q", env.Out, env.ErrOut)
	}
	for _, r := range env.Server.Requests() {
		if r.Method != "GET" {
			t.Fatalf("dry run sent %s %s", r.Method, r.Path)
		}
	}
	reset(env)
	if err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "--random", "--dry-run", "--json"); err != nil {
		t.Fatal(err)
	}
	var got buyDryRun
	if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil || !got.DryRun || !got.Random || got.Numbers == nil || len(got.Numbers) != 0 {
		t.Fatalf("json %q: %v", env.Out, err)
	}
	env.WantNoRequests(t) // a random number cannot be owned yet: nothing to read
}

// TestBuyDryRunChecksAvailability: a number Daily does not offer is reported by the dry run
// (exit 1, with the way to find one), not discovered by the real buy's 422.
func TestBuyDryRunChecksAvailability(t *testing.T) {
	env, _ := newEnv(t)
	if _, err := env.LoadConfig(t).Set("default_country", "GB"); err != nil {
		t.Fatal(err)
	}
	err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "020 7946 0018", "+14155550101", "--dry-run")
	if err == nil || err.Error() != "dry run: not for sale: +442079460018; a real buy would fail" || cmdutil.APIHint(err) != "" {
		t.Fatalf("err = %v", err)
	}
	var h *cmdutil.HintError
	if !errors.As(err, &h) || !strings.Contains(h.Hint(), "`dialin numbers search`") {
		t.Fatalf("hint: %v", err)
	}
	want := "✗ +442079460018: not available for purchase; would not be bought\n" +
		"Dry run: would buy 1 number (1 not available); nothing was bought.\n"
	if env.Out.String() != "+14155550101\n" || env.ErrOut.String() != want {
		t.Fatalf("stdout %q stderr %q", env.Out, env.ErrOut)
	}
	reset(env)
	err = cmdtest.Exec(NewCmdBuy(env.Factory, nil), "+13035550100", "--dry-run", "--json")
	var got buyDryRun
	if err == nil || json.Unmarshal(env.Out.Bytes(), &got) != nil || len(got.Numbers) != 0 || len(got.Unavailable) != 1 || got.Unavailable[0] != "+13035550100" {
		t.Fatalf("%v %s", err, env.Out)
	}
	assertNoPurchases(t, env)
}

func assertNoPurchases(t *testing.T, env *cmdtest.Env) {
	t.Helper()
	if n := env.Server.Count("POST", "/buy-phone-number"); n != 0 {
		t.Fatalf("dry run sent %d purchases", n)
	}
}

func TestBuyDryRunReportsNumbersAlreadyOwned(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	id := env.Server.SeedPurchased("+14155550100", start)
	err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "+14155550101", "+1 415 555 0100", "--dry-run")
	if err != nil {
		t.Fatalf("err = %v, want exit 0", err)
	}
	if env.Out.String() != "+14155550101\n" {
		t.Fatalf("stdout %q, want only the number that would be bought", env.Out)
	}
	want := "! +14155550100: already owned (id " + id + "); would not be bought\n" +
		"Dry run: would buy 1 number (1 already owned); nothing was bought.\n"
	if env.ErrOut.String() != want {
		t.Fatalf("stderr %q\nwant   %q", env.ErrOut, want)
	}
	if n := env.Server.Count("POST", "/buy-phone-number"); n != 0 {
		t.Fatalf("dry run sent %d purchases", n)
	}
	if env.Server.Count("GET", "/purchased-phone-numbers") == 0 {
		t.Fatal("dry run did not read the purchased numbers")
	}
	reset(env)
	if err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "+14155550100", "--dry-run", "--json"); err != nil {
		t.Fatal(err)
	}
	var got buyDryRun
	if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil || !got.DryRun || got.Random || got.Numbers == nil || len(got.Numbers) != 0 ||
		len(got.AlreadyOwned) != 1 || got.AlreadyOwned[0] != (ownedNumber{Number: "+14155550100", ID: id}) {
		t.Fatalf("json %q: %v", env.Out, err)
	}
	if !strings.Contains(env.Out.String(), `"already_owned": [`) {
		t.Fatalf("json lacks already_owned: %q", env.Out)
	}
	if n := env.Server.Count("POST", "/buy-phone-number"); n != 0 {
		t.Fatalf("dry run sent %d purchases", n)
	}
	if len(ownedNumbers(t, env)) != 1 {
		t.Fatal("the dry run bought a number")
	}
}
