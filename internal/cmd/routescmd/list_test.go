package routescmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/testkit"
)

func TestNewCmdList(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	for _, tt := range []struct {
		args           []string
		json, q, shown bool
		api            string
		code           int
	}{
		{args: nil},
		{args: []string{"--json", "--show-secrets"}, json: true, shown: true},
		{args: []string{"-q", "--api", "configs"}, q: true, api: "configs"},
		{args: []string{"--api", "legacy"}, code: 64},
		{args: []string{"extra"}, code: 64},
		{args: []string{"--jq", ".["}, code: 64},
	} {
		var got *ListOptions
		err := cmdtest.Exec(NewCmdList(f, func(o *ListOptions) error { got = o; return nil }), tt.args...)
		if exitCode(err) != tt.code {
			t.Fatalf("%v: exit %d (%v), want %d", tt.args, exitCode(err), err, tt.code)
		}
		if tt.code != 0 {
			continue
		}
		if (got.Exporter != nil) != tt.json || got.Quiet != tt.q || got.ShowSecrets != tt.shown || got.API != tt.api {
			t.Errorf("%v: options %+v", tt.args, got)
		}
	}
}

func TestListTableMasksSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.IO.SetStdoutTTY(true)
	opts := &ListOptions{Deps: e.deps()}
	if err := listRun(e.ctx, opts); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(e.Out.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("table:\n%s", e.Out)
	}
	for _, want := range []string{"NUMBER/SIP URI", "WEBHOOK", "NAME", "HOLD MUSIC", "TIMEOUT MESSAGE", "HMAC"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("header %q lacks %s", lines[0], want)
		}
	}
	row := func(i int) string { return strings.Join(strings.Fields(lines[i]), " ") }
	if row(1) != "+14155550100 https://a.example.com/dialin ci-support ••••••••" ||
		row(2) != "+14155550101 https://b.example.com/dialin https://cdn.example.com/hold.mp3 Sorry ••••••••" ||
		!strings.HasPrefix(row(3), "ci-trunk--") || !strings.HasSuffix(row(3), "https://c.example.com/sip ci-trunk ••••••••") {
		t.Errorf("rows:\n%s", e.Out)
	}
	if strings.Count(e.Out.String(), "••••••••") != 3 {
		t.Errorf("secrets not masked:\n%s", e.Out)
	}
	noSecrets(t, e.Out.String(), e.ErrOut.String())

	e.Out.Reset()
	opts.ShowSecrets = true
	if err := listRun(e.ctx, opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.Out.String(), secretA) {
		t.Errorf("--show-secrets does not show them:\n%s", e.Out)
	}
}

func TestListPipedQuietAndJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	opts := &ListOptions{Deps: e.deps()}
	if err := listRun(e.ctx, opts); err != nil {
		t.Fatal(err)
	}
	first := strings.Split(e.Out.String(), "\n")[0]
	if first != "+14155550100\thttps://a.example.com/dialin\tci-support\t\t\t••••••••" {
		t.Errorf("piped row %q", first)
	}

	e.Out.Reset()
	opts.Quiet = true
	if err := listRun(e.ctx, opts); err != nil {
		t.Fatal(err)
	}
	if got := e.Out.String(); got != "+14155550100\n+14155550101\nsip:ci-trunk\n" {
		t.Errorf("-q:\n%s", got)
	}

	e.Out.Reset()
	opts.Quiet, opts.Exporter = false, cmdutil.NewJSONExporter()
	if err := listRun(e.ctx, opts); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0]["key"] != "+14155550100" || got[0]["hmac"] != nil || got[0]["has_hmac"] != true ||
		!testkit.SameJSON(got[0]["x_future"], map[string]any{"keep": []any{1, 2}}) || got[2]["key"] != "sip:ci-trunk" {
		t.Errorf("json %v", got)
	}
	if _, present := got[0]["hmac"]; !present || strings.Contains(e.Out.String(), "••") {
		t.Errorf("a masked hmac is null in JSON, not a string of dots: %s", e.Out)
	}
	noSecrets(t, e.Out.String())
}

func TestListEmptyAndConfigsAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	opts := &ListOptions{Deps: e.deps()}
	opts.API = APIConfigs
	if err := listRun(e.ctx, opts); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(e.Out.String(), "\n"); n != 3 {
		t.Errorf("configs API listed %d routes:\n%s", n, e.Out)
	}
	if e.Server.Count("GET", "/domain-dialin-config") != 1 || e.Server.Count("GET", "/") != 0 {
		t.Errorf("--api configs must read /domain-dialin-config only: %v", e.Server.Requests())
	}
	if _, err := e.client.SetPinlessDialin(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	e.Out.Reset()
	opts.API = ""
	err := listRun(e.ctx, opts)
	var nr *cmdutil.NoResultsError
	if !asNoResults(err, &nr) || e.Out.Len() != 0 {
		t.Fatalf("empty list: err %v, out %q", err, e.Out)
	}
}

func asNoResults(err error, target **cmdutil.NoResultsError) bool {
	nr, ok := err.(*cmdutil.NoResultsError)
	*target = nr
	return ok
}
