package routescmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

func (e *testEnv) runRestore(args ...string) error {
	return cmdtest.Exec(NewCmdRestore(e.Factory, func(o *RestoreOptions) error {
		o.StateDir = e.deps().StateDir
		if o.List {
			return restoreListRun(context.Background(), o)
		}
		return restoreRun(context.Background(), o)
	}), args...)
}

func TestNewCmdRestore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, args := range [][]string{{"--list", "b.json"}, {"--list", "--yes"}, {"a", "b"}} {
		err := cmdtest.Exec(NewCmdRestore(e.Factory, func(*RestoreOptions) error { return nil }), args...)
		wantExit(t, err, 64, "")
	}
	var got *RestoreOptions
	if err := cmdtest.Exec(NewCmdRestore(e.Factory, func(o *RestoreOptions) error { got = o; return nil }), "b.json", "--dry-run"); err != nil ||
		got.Backup != "b.json" || !got.DryRun {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestRestorePutsTheRoutesBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	err := e.runRestore("--list")
	if _, ok := err.(*cmdutil.NoResultsError); !ok {
		t.Fatalf("no backups yet: err = %v", err)
	}
	wantExit(t, e.runRestore("--yes"), 1, "no backups of this domain's routes in "+e.stateDir)

	original := e.live(t)
	if err := e.runRemove("--number", "+14155550100", "--yes"); err != nil {
		t.Fatal(err)
	}
	if err := e.runSet("--number", "+14155550101", "--url", "https://b2.example.com/dialin", "--yes"); err != nil {
		t.Fatal(err)
	}
	e.Out.Reset()
	if err := e.runRestore("--list"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(e.Out.String()), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], "\t2") || !strings.HasSuffix(lines[1], "\t3") {
		t.Fatalf("--list:\n%s", e.Out)
	}
	oldest := strings.Split(lines[1], "\t")[0]

	// Not a terminal: the difference, then a refusal without --yes.
	e.Out.Reset()
	n := e.writes()
	wantExit(t, e.runRestore(oldest), 64, "Replace the routes with "+oldest+": refusing without --yes")
	for _, want := range []string{"Restoring " + oldest + ":", "  + route +14155550100", `~ room_creation_api = "https://b2.example.com/dialin" → "https://b.example.com/dialin"`,
		"Plan: 1 to add, 1 to change, 0 to remove."} {
		if !strings.Contains(e.Out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, e.Out)
		}
	}
	if err := e.runRestore(oldest, "--dry-run"); err != nil {
		t.Fatal(err)
	}
	if e.writes() != n {
		t.Fatal("written without confirmation")
	}
	if err := e.runRestore(oldest, "--yes"); err != nil {
		t.Fatal(err)
	}
	// Every route is back as it was, hmac, unknown field and SIP address included.
	if after := e.live(t); !testkit.SameJSON(after, original) {
		t.Fatalf("restored:\n%s\nwant\n%s", masked(after), masked(original))
	}
	// The restore was backed up too, and restoring the same again does nothing.
	n = e.writes()
	if err := e.runRestore(oldest, "--yes"); err != nil || e.writes() != n {
		t.Fatalf("second restore: %v, %d writes", err, e.writes()-n)
	}
	e.Out.Reset()
	if err := e.runRestore("--list", "--json"); err != nil {
		t.Fatal(err)
	}
	var list []routes.BackupInfo
	if err := json.Unmarshal(e.Out.Bytes(), &list); err != nil || len(list) != 3 {
		t.Fatalf("json list %s: %v", e.Out, err)
	}
	noSecrets(t, e.Out.String(), e.ErrOut.String())
	wantExit(t, e.runRestore("routes-nope.json", "--yes"), 1, "")
}

func TestRestoreChecksTheRoutesItPutsBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.runRemove("--number", "+14155550100", "--yes"); err != nil {
		t.Fatal(err)
	}
	// The number is released after its route was removed: restoring the route is refused.
	owned, err := daily.Collect(e.client.PurchasedNumbers(e.ctx, daily.PurchasedNumberQuery{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range owned {
		if n.Number == "+14155550100" {
			if _, err := e.client.ReleaseNumber(e.ctx, n.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	w := e.writes()
	wantExit(t, e.runRestore("--yes"), 64, "route +14155550100: phone_number: the domain does not own this number")
	if e.writes() != w {
		t.Fatal("written")
	}
}

// Backups are kept by domain id: two domains with the same name (every emulator's is
// "dailytest") sharing one state directory each list only their own backups. Keyed by name,
// the second domain's --list showed the first one's backups too.
func TestRestoreListShowsOnlyThisDomainsBackups(t *testing.T) {
	t.Parallel()
	a, b := newEnv(t), newEnv(t)
	b.stateDir = a.stateDir
	if a.Server.DomainName() != b.Server.DomainName() || a.Server.DomainID() == b.Server.DomainID() {
		t.Fatalf("want two domains of one name: %s/%s, %s/%s", a.Server.DomainName(), a.Server.DomainID(), b.Server.DomainName(), b.Server.DomainID())
	}
	if err := a.runSet("--number", "+14155550150", "--url", "https://a.example.com/new", "--yes"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"+14155550151", "+14155550152"} {
		if err := b.runSet("--number", n, "--url", "https://b.example.com/new", "--yes"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		e    *testEnv
		want int
	}{{a, 1}, {b, 2}} {
		tt.e.Out.Reset()
		if err := tt.e.runRestore("--list"); err != nil {
			t.Fatal(err)
		}
		if lines := strings.Split(strings.TrimSpace(tt.e.Out.String()), "\n"); len(lines) != tt.want {
			t.Errorf("domain %s: --list shows %d backups, want %d:\n%s", tt.e.Server.DomainID(), len(lines), tt.want, tt.e.Out)
		}
	}
}
