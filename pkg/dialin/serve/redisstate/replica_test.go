package redisstate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmd/servecmd"
	"github.com/dialin-project/dialin/internal/cmdutil"
)

// replicaEnv, when set (to a JSON array of arguments), makes the test binary run
// `dialin serve <arguments>`: a serve replica in a process of its own that a test can
// SIGKILL.
const replicaEnv = "REDISSTATE_TEST_REPLICA"

func runReplica() {
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(replicaEnv)), &args); err != nil {
		fmt.Fprintln(os.Stderr, "replica arguments:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := servecmd.NewCmdServe(cmdutil.NewFactory(), nil)
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	if err := cmd.ExecuteContext(ctx); err != nil {
		os.Exit(1)
	}
	os.Exit(0)
}

// process is `dialin serve` running in a child process.
type process struct {
	addr string
	cmd  *exec.Cmd
	logs string // file with its stderr
}

// startProcessLater picks the process's address, so that a balancer can list it before it
// runs (the route must exist before serve starts and reads its secret).
func (c *cluster) startProcessLater() *process {
	c.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.t.Fatal(err)
	}
	defer l.Close()
	return &process{addr: l.Addr().String()}
}

// startProcessNow runs `dialin serve --addr <its address> args…` against the emulator (key
// and URL in its environment) and waits until its /readyz answers 200.
func (c *cluster) startProcessNow(p *process, args ...string) {
	t := c.t
	t.Helper()
	args = append([]string{"--addr", p.addr, "--admin-addr", "127.0.0.1:0"}, args...)
	raw, _ := json.Marshal(args)
	dir := t.TempDir()
	p.logs = filepath.Join(dir, "stderr.log")
	logFile, err := os.Create(p.logs)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(os.Args[0], "-test.run=^$")
	p.cmd.Env = append(os.Environ(), replicaEnv+"="+string(raw), "DAILY_API_KEY="+c.emu.APIKey, "DAILY_API_URL="+c.emu.URL,
		"HOME="+dir, "XDG_CONFIG_HOME="+dir, "DIALIN_CONFIG_DIR="+dir, "GORACE=atexit_sleep_ms=0")
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	p.cmd.SysProcAttr = childAttr()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = p.cmd.Wait(); logFile.Close(); close(exited) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-exited
		if t.Failed() {
			b, _ := os.ReadFile(p.logs)
			t.Logf("logs of the serve process:\n%s", tail(string(b), 40))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.url() + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(p.logs)
			t.Fatalf("dialin serve exited at start:\n%s", b)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(p.logs)
			t.Fatalf("dialin serve not ready within 30s:\n%s", tail(string(b), 40))
		}
	}
}

func (p *process) url() string { return "http://" + p.addr }

// kill sends SIGKILL: no shutdown, no release of anything.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}
