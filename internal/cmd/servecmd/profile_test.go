package servecmd

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// --cpu-profile writes a CPU profile of serve's run that go tool pprof can read, once serve
// has shut down as on SIGINT/SIGTERM. (The process has one CPU profiler: no other test here
// profiles.)
func TestServeWritesCPUProfileOnShutdown(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	addr, secret := freeAddr(t), testSecret("route")
	routeTo(t, e, addr, secret)
	profile := filepath.Join(t.TempDir(), "serve.cpu.pprof")
	r := startServe(t, e, nil, "--addr", addr, "--bot-cmd", botCmd(t, ""), "--cpu-profile", profile)
	connectCalls(t, e, r, 2)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	testkit.CheckCPUProfile(t, profile)
}

// A --cpu-profile that cannot be created (here a directory) ends serve with one usage error
// naming the flag, before it listens.
func TestServeCPUProfileUnwritable(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	dir := t.TempDir()
	err := cmdtest.Exec(NewCmdServe(e.Factory, nil), "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0",
		"--bot-url", "http://127.0.0.1:9/start", "--webhook-secret-file", writeFile(t, "s", testSecret("x")), "--cpu-profile", dir)
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "--cpu-profile: cannot create "+dir+": is a directory") {
		t.Fatalf("err = %v, want the usage error --cpu-profile: cannot create %s: is a directory", err, dir)
	}
	if out := e.ErrOut.String(); strings.Contains(out, "listening") {
		t.Fatalf("serve listened with an unwritable --cpu-profile:\n%s", out)
	}
}
