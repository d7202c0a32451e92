package numberscmd

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestNewCmdRelease(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	for _, tt := range []struct {
		args []string
		want ReleaseOptions
	}{
		{[]string{"+14155550100"}, ReleaseOptions{Target: "+14155550100"}},
		{[]string{" 415 555 0100 ", "--default-country", "us", "-y"}, ReleaseOptions{Target: "415 555 0100", Country: "US", Yes: true}},
		{[]string{"85a70a9a-e22f-4a8d-8302-bbf1b88dd909", "--force", "--json"}, ReleaseOptions{Target: "85a70a9a-e22f-4a8d-8302-bbf1b88dd909", Force: true}},
	} {
		var got *ReleaseOptions
		if err := cmdtest.Exec(NewCmdRelease(f, func(o *ReleaseOptions) error { got = o; return nil }), tt.args...); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got.Target != tt.want.Target || got.Country != tt.want.Country || got.Yes != tt.want.Yes || got.Force != tt.want.Force {
			t.Errorf("%v: %+v", tt.args, got)
		}
	}
}

// releaseEnv owns +14155550100, bought 20 days ago (releasable), and +14155550101, bought
// 3 days ago (inside the 14-day lock). Now reads the emulator's clock.
func releaseEnv(t *testing.T) (*cmdtest.Env, *dailytest.ManualClock, map[string]string) {
	env, clock := newEnv(t)
	env.Factory.Now = clock.Now
	ids := map[string]string{
		"+14155550100": env.Server.SeedPurchased("+14155550100", start.Add(-20*24*time.Hour)),
		"+14155550101": env.Server.SeedPurchased("+14155550101", start.Add(-3*24*time.Hour)),
	}
	env.Server.ResetRequests()
	return env, clock, ids
}

func TestReleaseRefusesBadInputBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	env, _, _ := releaseEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"a", "b"}, ""},
		{[]string{" ", "--yes"}, "NUMBER|ID: must not be empty"},
		{[]string{"+1415", "--yes"}, `phone number "+1415": not a valid E.164 number (wrong number of digits) (expected like +14155550100)`},
		{[]string{"number-one", "--yes"}, `NUMBER|ID: "number-one" is neither a phone number (e.g. +14155550100) nor a purchase id (a UUID)`},
		{[]string{"+14155550100", "--default-country", "ZZ", "--yes"}, "--default-country: must be a two-letter country code with a phone numbering plan, e.g. US, GB, DE"},
		{[]string{"+14155550100"}, "Release +14155550100: refusing without --yes when not running interactively"},
	} {
		cmdtest.WantUsageError(t, cmdtest.Exec(NewCmdRelease(env.Factory, nil), tt.args...), tt.want)
	}
	env.WantNoRequests(t)
}

func TestReleaseByNumberAndID(t *testing.T) {
	t.Parallel()
	env, _, ids := releaseEnv(t)
	if err := cmdtest.Exec(NewCmdRelease(env.Factory, nil), "(415) 555-0100", "--yes"); err != nil {
		t.Fatal(err)
	}
	if env.Out.Len() != 0 || env.ErrOut.String() != "✓ Released +14155550100 (id "+ids["+14155550100"]+")\n" {
		t.Fatalf("stdout %q stderr %q", env.Out, env.ErrOut)
	}
	if env.Server.Count("DELETE", "/release-phone-number/"+ids["+14155550100"]) != 1 {
		t.Fatalf("requests: %+v", env.Server.Requests())
	}
	if _, still := ownedNumbers(t, env)["+14155550100"]; still {
		t.Fatal("number still owned")
	}

	// By id (any case), with --json; --force gets past the lock and Daily has the last word.
	env, clock, ids := releaseEnv(t)
	clock.Advance(11 * 24 * time.Hour) // the 3-day-old number is now 14 days old
	if err := cmdtest.Exec(NewCmdRelease(env.Factory, nil), strings.ToUpper(ids["+14155550101"]), "--yes", "--json"); err != nil {
		t.Fatal(err)
	}
	var got released
	if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil || got != (released{ID: ids["+14155550101"], Number: "+14155550101", Released: true}) {
		t.Fatalf("json %q: %v", env.Out, err)
	}
	assertNoSecrets(t, env)
}

func TestReleaseUnknown(t *testing.T) {
	t.Parallel()
	env, _, _ := releaseEnv(t)
	for _, arg := range []string{"+14155550199", "00000000-0000-4000-8000-000000000000"} {
		err := cmdtest.Exec(NewCmdRelease(env.Factory, nil), arg, "--yes")
		var fe *cmdutil.FlagError
		if err == nil || errors.As(err, &fe) || err.Error() != arg+": no such number among this domain's purchased numbers" {
			t.Fatalf("err = %v, want exit 1", err)
		}
	}
	if releases(env) != 0 {
		t.Fatal("a release was sent")
	}
}

func TestReleaseRefusesRoutedNumber(t *testing.T) {
	t.Parallel()
	env, _, ids := releaseEnv(t)
	setRoute(t, env, "+14155550100", "https://bots.example.com/dialin", "bot")
	err := cmdtest.Exec(NewCmdRelease(env.Factory, nil), "+14155550100", "--yes")
	cmdtest.WantUsageError(t, err, "+14155550100: still in use by its pinless_dialin route to https://bots.example.com/dialin; refusing to release a routed number")
	var hinted interface{ Hint() string }
	if !errors.As(err, &hinted) || !strings.Contains(hinted.Hint(), "`dialin routes remove`") {
		t.Fatalf("no hint pointing to routes remove: %v", err)
	}
	if releases(env) != 0 {
		t.Fatal("a release was sent")
	}

	// --force releases it and warns that the route is now dead.
	reset(env)
	if err := cmdtest.Exec(NewCmdRelease(env.Factory, nil), "+14155550100", "--yes", "--force"); err != nil {
		t.Fatal(err)
	}
	if env.Server.Count("DELETE", "/release-phone-number/"+ids["+14155550100"]) != 1 ||
		!strings.Contains(env.ErrOut.String(), "! Its pinless_dialin route is still configured and can no longer receive calls") {
		t.Fatalf("stderr %q", env.ErrOut)
	}
	assertNoSecrets(t, env)
}

func TestReleaseFourteenDayLock(t *testing.T) {
	t.Parallel()
	env, clock, ids := releaseEnv(t)
	const dates = "bought on 2025-03-11 04:46 UTC; Daily refuses to release a number within 14 days of its purchase, so it can be released from 2025-03-25 04:46 UTC"

	// Checked locally: refused before the release is sent, exit 1, with the date.
	err := cmdtest.Exec(NewCmdRelease(env.Factory, nil), "+14155550101", "--yes")
	var fe *cmdutil.FlagError
	if err == nil || errors.As(err, &fe) || err.Error() != "+14155550101: "+dates {
		t.Fatalf("err = %v", err)
	}
	if releases(env) != 0 {
		t.Fatal("a release was sent")
	}

	// --force sends it; Daily refuses and the answer is explained with the same date.
	err = cmdtest.Exec(NewCmdRelease(env.Factory, nil), "+14155550101", "--yes", "--force")
	var apiErr *daily.APIError
	if !errors.As(err, &apiErr) || !strings.HasPrefix(err.Error(), "Daily refused to release +14155550101: "+dates+" (") {
		t.Fatalf("err = %v", err)
	}
	if env.Server.Count("DELETE", "/release-phone-number/"+ids["+14155550101"]) != 1 {
		t.Fatal("the forced release was not sent exactly once")
	}

	// Eleven days later the lock is over.
	clock.Advance(11 * 24 * time.Hour)
	if err := cmdtest.Exec(NewCmdRelease(env.Factory, nil), "+14155550101", "--yes"); err != nil {
		t.Fatal(err)
	}
}

func TestReleaseOnTerminalAsks(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{"yes\n", "n\n"} {
		env, _, ids := releaseEnv(t)
		env.IO.SetStdinTTY(true)
		env.IO.SetStdoutTTY(true)
		env.In.WriteString(answer)
		err := cmdtest.Exec(NewCmdRelease(env.Factory, nil), "+14155550100")
		want := "! Releasing +14155550100 (id " + ids["+14155550100"] + ") gives it back to the carrier: calls to it stop and you may not get it back.\n" +
			"Release +14155550100? [y/N] "
		if !strings.HasPrefix(env.ErrOut.String(), want) {
			t.Fatalf("stderr = %q", env.ErrOut)
		}
		deletes := releases(env)
		switch {
		case answer == "yes\n" && (err != nil || deletes != 1):
			t.Fatalf("yes: err %v, %d releases", err, deletes)
		case answer == "n\n" && (!errors.Is(err, cmdutil.ErrCancel) || deletes != 0):
			t.Fatalf("no: err %v, %d releases", err, deletes)
		}
	}
}

// releases counts the release requests sent, whatever the id.
func releases(env *cmdtest.Env) int {
	n := 0
	for _, r := range env.Server.Requests() {
		if r.Method == "DELETE" && strings.HasPrefix(r.Path, "/release-phone-number/") {
			n++
		}
	}
	return n
}
