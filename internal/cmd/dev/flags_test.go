package dev

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
	"github.com/dialin-project/dialin/pkg/dialin/tunnel"
)

// TestBadInputIsRefusedBeforeAnyRequest: each bad flag gets one error naming the flag and
// the rule (exit 64), and nothing is written.
func TestBadInputIsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := w.array(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bot-url", "http://127.0.0.1:9/start", "--public-url", "https://x.example.com"}, "--number: required"},
		{[]string{"--number", "call me", "--public-url", "https://x.example.com", "--bot-url", "http://127.0.0.1:9/start"}, "--number: "},
		{[]string{"--number", prodNumber, "--bot-url", "http://127.0.0.1:9/start"}, "no tunnel: give --public-url URL, --tunnel cloudflared, or --tunnel ngrok with NGROK_AUTHTOKEN set"},
		{[]string{"--number", prodNumber, "--tunnel", "frp", "--bot-url", "http://127.0.0.1:9/start"}, `--tunnel: must be ngrok or cloudflared, got "frp"`},
		{[]string{"--number", prodNumber, "--tunnel", "ngrok", "--public-url", "https://x.example.com", "--bot-url", "http://127.0.0.1:9/start"}, "--public-url, --tunnel: give one, not both"},
		{[]string{"--number", prodNumber, "--public-url", "http://x.example.com", "--bot-url", "http://127.0.0.1:9/start"}, "--public-url: must use https (--allow-http accepts http for loopback hosts)"},
		{[]string{"--number", prodNumber, "--public-url", "http://x.example.com", "--allow-http", "--bot-url", "http://127.0.0.1:9/start"}, "--public-url: http is allowed for loopback hosts only"},
		{[]string{"--number", prodNumber, "--public-url", "https://x.example.com/?a=1", "--bot-url", "http://127.0.0.1:9/start"}, "--public-url: must be a base URL without a query"},
		{[]string{"--number", prodNumber, "--public-url", "https://x.example.com"}, "no bot: give --bot-cmd"},
		{[]string{"--number", prodNumber, "--tunnel", "ngrok", "--bot-url", "http://127.0.0.1:9/start"}, "--tunnel ngrok: NGROK_AUTHTOKEN is not set"},
	} {
		_, err := w.parse(t, nil, tc.args...)
		var fe *cmdutil.FlagError
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want a usage error with %q", tc.args, err, tc.want)
		}
	}
	sameArray(t, before, w.array(t))
}

// TestAScriptNeedsYes: not interactive and no --yes: refused after showing the route,
// with nothing written and no journal left.
func TestAScriptNeedsYes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := w.array(t)
	opts, err := w.parse(t, nil, "--number", prodNumber, "--public-url", "https://dev.example.com", "--bot-url", "http://127.0.0.1:9/start")
	if err != nil {
		t.Fatal(err)
	}
	err = devRun(context.Background(), opts)
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "refusing without --yes when not running interactively") {
		t.Fatalf("got %v", err)
	}
	sameArray(t, before, w.array(t))
	if j := stateJournals(t, w.state); len(j) != 0 {
		t.Fatalf("journal left: %v", j)
	}
	if !strings.Contains(w.errOut.String(), "room_creation_api → https://dev.example.com/dialin") {
		t.Fatalf("the change was not shown:\n%s", w.errOut)
	}
}

// crash leaves what a killed session leaves: the route swapped and its journal.
func (w *world) crash(t *testing.T, number, url string) {
	t.Helper()
	opts, err := w.parse(t, nil, "--number", number, "--restore")
	if err != nil {
		t.Fatal(err)
	}
	s, err := opts.session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	shown, err := s.Live(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Swap(context.Background(), shown, url, routes.ValidateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestACrashedSessionIsRestoredFirst: the next dev puts production back before it swaps
// again, and `dev --restore` puts it back and exits; with nothing to restore it says so.
func TestACrashedSessionIsRestoredFirst(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := w.array(t)
	w.crash(t, prodNumber, "https://crashed.example.com/dialin")
	s := w.start(t, "--number", prodNumber, "--allow-http", "--bot-cmd", botCmd(t))
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	sameArray(t, before, w.array(t))
	out := w.errOut.String()
	for _, want := range []string{
		"A dev session on " + prodNumber + " did not end cleanly; restoring its route first.",
		"pointed " + prodNumber + " at https://crashed.example.com/dialin",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "Put back "+prodNumber+"'s route: "+prodURL) != 2 {
		t.Errorf("want two restores (the crashed session's, then this one's):\n%s", out)
	}

	w.crash(t, prodNumber, "https://crashed-again.example.com/dialin")
	restore := func() error {
		opts, err := w.parse(t, nil, "--number", prodNumber, "--restore", "--yes")
		if err != nil {
			t.Fatal(err)
		}
		return restoreRun(context.Background(), opts)
	}
	if err := restore(); err != nil {
		t.Fatal(err)
	}
	sameArray(t, before, w.array(t))
	if err := restore(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.errOut.String(), "No dev session to restore on "+prodNumber) {
		t.Errorf("stderr:\n%s", w.errOut)
	}
}

// TestRestoreRefusesWhileASessionRuns: --restore does not take the route from a live session.
func TestRestoreRefusesWhileASessionRuns(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.start(t, "--number", prodNumber, "--allow-http", "--bot-cmd", botCmd(t))
	opts, err := w.parse(t, nil, "--number", prodNumber, "--restore", "--yes")
	if err != nil {
		t.Fatal(err)
	}
	if err := restoreRun(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "is running; stop it (Ctrl-C)") {
		t.Fatalf("got %v", err)
	}
	if e := w.entry(t, prodNumber); e.RoomCreationAPI != s.url {
		t.Fatalf("the live session's route was touched: %s", e.RoomCreationAPI)
	}
}

// TestNgrokIsTheDefaultWhenItsTokenIsSet: no --tunnel, no --public-url, NGROK_AUTHTOKEN set:
// the embedded ngrok, with the token from the environment.
func TestNgrokIsTheDefaultWhenItsTokenIsSet(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	opts := &Options{
		StateDir: func() (string, error) { return w.state, nil },
		Getenv:   func(k string) string { return map[string]string{tunnel.EnvNgrokAuthtoken: "2abcTOKEN"}[k] },
	}
	if err := cmdtest.Exec(newCmdDev(w.Factory, opts, func(*Options) error { return nil }), "--number", prodNumber, "--bot-url", "http://127.0.0.1:9/start"); err != nil {
		t.Fatal(err)
	}
	n, ok := opts.provider.(*tunnel.Ngrok)
	if opts.Tunnel != TunnelNgrok || !ok || n.Authtoken != "2abcTOKEN" {
		t.Fatalf("tunnel %q, provider %T", opts.Tunnel, opts.provider)
	}
}
