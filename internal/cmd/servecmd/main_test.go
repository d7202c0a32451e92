package servecmd

import (
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmd/standincmd"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// TestMain lets the test binary be the stand-in bot: serve starts it as a real child
// process with `standin-bot` as its first argument, as it would start `dialin standin-bot`.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "standin-bot" {
		os.Exit(standincmd.Main(os.Args[2:]))
	}
	os.Exit(m.Run())
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer = testkit.SyncBuffer

// freeAddr returns the address of a loopback listener the test holds; startServe hands that
// very listener to serve (the route must name serve's URL before serve starts, so that serve
// reads its secret at start-up, and a port closed and bound again later can be taken).
func freeAddr(t *testing.T) string {
	t.Helper()
	l := testkit.Listen(t)
	addr := l.Addr().String()
	heldListeners.Store(addr, l)
	t.Cleanup(func() { heldListeners.Delete(addr) })
	return addr
}

// heldListeners maps an address from freeAddr to its listener.
var heldListeners sync.Map

// heldListener returns the listener freeAddr holds for args' --addr, if any.
func heldListener(args []string) net.Listener {
	for i, a := range args {
		if a == "--addr" && i+1 < len(args) {
			if l, ok := heldListeners.Load(args[i+1]); ok {
				return l.(net.Listener)
			}
		}
	}
	return nil
}

// botCmd is the stand-in bot with the seed's arguments; extra flags go before them.
func botCmd(t *testing.T, extra string) string {
	return stdinBotCmd(t) + " " + extra + " -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}"
}

// stdinBotCmd is the stand-in bot reading its call from stdin: it speaks the warm-bot contract.
func stdinBotCmd(t *testing.T) string {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("'%s' standin-bot --startup-delay 10ms --talk-time 100ms", self)
}

// running is a serve started by a test.
type running struct {
	url    string
	srv    *serve.Server
	errOut *syncBuffer
	stop   func() error
	// cancel cancels serve's context without waiting, as a first SIGINT does; interrupts
	// stands for the process's SIGINT/SIGTERM, which serve counts.
	cancel     func()
	interrupts chan os.Signal
}

// startServe parses args like the command, then runs serve until the test calls stop (or
// ends); env maps the variables serve reads from the environment.
func startServe(t *testing.T, e *cmdtest.Env, env map[string]string, args ...string) *running {
	t.Helper()
	errOut := &syncBuffer{}
	e.IO.ErrOut = errOut
	if !slices.Contains(args, "--admin-addr") {
		args = append(args, "--admin-addr", "127.0.0.1:0") // never the fixed default in tests
	}
	var opts *Options
	if err := cmdtest.Exec(NewCmdServe(e.Factory, func(o *Options) error { opts = o; return nil }), args...); err != nil {
		t.Fatal(err)
	}
	opts.Getenv = func(k string) string { return env[k] }
	opts.listener = heldListener(args)
	home := t.TempDir() // bots must not find a developer's own dialin credentials
	opts.botEnv = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "GORACE=atexit_sleep_ms=0"}
	type started struct {
		url string
		srv *serve.Server
	}
	ready := make(chan started, 1)
	opts.ready = func(url string, srv *serve.Server) { ready <- started{url, srv} }
	opts.interrupts = make(chan os.Signal, 2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveRun(ctx, opts) }()
	var (
		once   sync.Once
		runErr error
	)
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(20 * time.Second):
				runErr = fmt.Errorf("serve did not stop within 20s")
			}
		})
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	select {
	case s := <-ready:
		return &running{url: s.url, srv: s.srv, errOut: errOut, stop: stop, cancel: cancel, interrupts: opts.interrupts}
	case err := <-done:
		t.Fatalf("serve ended before it was ready: %v; stderr:\n%s", err, errOut)
	case <-time.After(20 * time.Second):
		t.Fatalf("serve not ready within 20s; stderr:\n%s", errOut)
	}
	return nil
}

// noSecrets fails if any secret appears in out.
func noSecrets(t *testing.T, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			t.Fatalf("a secret was printed:\n%s", out)
		}
	}
	if strings.Contains(out, "eyJ") { // a JWT: a meeting token
		t.Fatalf("a meeting token was printed:\n%s", out)
	}
}

// connectCalls places n calls to testNumber one after the other (from +15550000000 on) and
// fails the test unless each connects.
func connectCalls(t *testing.T, e *cmdtest.Env, r *running, n int) {
	t.Helper()
	for i := range n {
		id, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: fmt.Sprintf("+1555000000%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		rec := waitCall(t, e, id, "connected", "lost", "dropped")
		if _, ok := rec.At("connected"); !ok {
			t.Fatalf("call %d not connected: %s %+v\n%s", i, rec.State, rec.Timeline, r.errOut)
		}
	}
}
