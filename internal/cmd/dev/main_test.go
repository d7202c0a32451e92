package dev

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmd/standincmd"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/internal/testkit/devfixture"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
	"github.com/dialin-project/dialin/pkg/dialin/tunnel"
	"github.com/dialin-project/dialin/pkg/dialin/tunnel/tunneltest"
)

// TestMain lets the test binary be the stand-in bot: serve starts it as a real child
// process with `standin-bot` as its first argument. The sessions mostly wait (route writes'
// settles, bots, tunnels): more of them run at once (testkit.DefaultParallel).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "standin-bot" {
		os.Exit(standincmd.Main(os.Args[2:]))
	}
	testkit.DefaultParallel()
	os.Exit(m.Run())
}

// world is an emulator with production routes, and a state directory.
type world struct {
	*cmdtest.Env
	client *daily.Client
	state  string
	errOut *testkit.SyncBuffer // every session's stderr
}

func newWorld(t *testing.T) *world {
	t.Helper()
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	for _, n := range []string{prodNumber, otherNumber, bareNumber} {
		e.Server.SeedPurchased(n, time.Now().Add(-30*24*time.Hour))
	}
	c := daily.New(e.Server.APIKey, daily.WithBaseURL(e.Server.URL), daily.WithoutRateLimit())
	var seed []daily.PinlessDialinEntry
	if err := json.Unmarshal([]byte(liveJSON), &seed); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetPinlessDialin(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	w := &world{Env: e, client: c, state: t.TempDir(), errOut: &testkit.SyncBuffer{}}
	e.IO.ErrOut = w.errOut
	return w
}

// array is the domain's array: each entry's JSON by key.
func (w *world) array(t *testing.T) map[string]string {
	t.Helper()
	cur, err := routes.NewDailyStore(w.client).Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range cur {
		b, _ := e.MarshalJSON()
		out[routes.KeyOf(e).String()] = string(b)
	}
	return out
}

func (w *world) entry(t *testing.T, number string) *daily.PinlessDialinEntry {
	t.Helper()
	cur, err := routes.NewDailyStore(w.client).Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cur {
		if routes.KeyOf(e) == routes.NumberKey(number) {
			return &e
		}
	}
	return nil
}

// botCmd is the stand-in bot with the seed's arguments.
func botCmd(t *testing.T) string {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("'%s' standin-bot --startup-delay 10ms --talk-time 100ms -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}", self)
}

// session is a dev session run by a test.
type session struct {
	tunnel  *tunneltest.Loopback
	errOut  *testkit.SyncBuffer
	url     string // the webhook URL in the route
	done    chan error
	cancel  context.CancelFunc
	endOnce sync.Once
	err     error
}

// parse runs dev's flag parsing and checks, as the command would, with tun as the tunnel
// (nil: the flags choose), and returns the options.
func (w *world) parse(t *testing.T, tun tunnel.Provider, args ...string) (*Options, error) {
	t.Helper()
	opts := &Options{
		StateDir: func() (string, error) { return w.state, nil },
		Getenv:   func(string) string { return "" },
		provider: tun,
	}
	err := cmdtest.Exec(newCmdDev(w.Factory, opts, func(*Options) error { return nil }), args...)
	return opts, err
}

// start runs `dialin dev ARGS` through the loopback tunnel until the session is live.
func (w *world) start(t *testing.T, args ...string) *session {
	t.Helper()
	s, live := w.run(t, args...)
	select {
	case <-live:
	case err := <-s.done:
		t.Fatalf("dev ended before the session was live: %v; stderr:\n%s", err, s.errOut)
	case <-time.After(testkit.Patience):
		t.Fatalf("dev not live; stderr:\n%s", s.errOut)
	}
	return s
}

// run starts `dialin dev ARGS` and returns at once; live is closed once the route is swapped
// and serve is ready.
func (w *world) run(t *testing.T, args ...string) (*session, chan struct{}) {
	t.Helper()
	s := &session{tunnel: &tunneltest.Loopback{}, errOut: w.errOut, done: make(chan error, 1)}
	opts, err := w.parse(t, s.tunnel, append([]string{"--yes"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	live := make(chan struct{})
	opts.live = func(url string) { s.url = url; close(live) }
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.done <- devRun(ctx, opts) }()
	t.Cleanup(func() { _ = s.stop() })
	return s, live
}

// stop is Ctrl-C: the session ends and returns its error.
func (s *session) stop() error {
	s.cancel()
	return s.wait()
}

// wait waits for the session to end by itself.
func (s *session) wait() error {
	s.endOnce.Do(func() {
		select {
		case s.err = <-s.done:
		case <-time.After(testkit.Patience):
			s.err = fmt.Errorf("dev did not end")
		}
	})
	return s.err
}

func stateJournals(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "domains", "*", "dev", "*.journal.json"))
	return m
}

// The fixture's names, short for these tests.
const (
	prodNumber, otherNumber, bareNumber = devfixture.ProdNumber, devfixture.OtherNumber, devfixture.BareNumber
	secretProd, secretOther, prodURL    = devfixture.SecretProd, devfixture.SecretOther, devfixture.ProdURL
	liveJSON                            = devfixture.LiveJSON
)
