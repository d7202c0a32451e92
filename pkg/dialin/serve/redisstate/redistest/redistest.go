// Package redistest runs a real, throw-away redis-server for tests: Debian's `redis-server`
// binary as a child process on a free loopback port, without persistence, killed when the
// test (or the test binary, see Shared and StopShared) ends.
//
// When the binary is missing, Start fails the test if CI=true (CI installs it, see .ci/run)
// and otherwise skips it with a loud message: the one skip the project allows.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Binary is the server program looked up on PATH.
const Binary = "redis-server"

// Server is one redis-server process.
type Server struct {
	Port int
	dir  string
	args []string // extra server arguments, such as --requirepass

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Addr is host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// URL is redis://127.0.0.1:port/0.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Available reports whether the binary is on PATH, and says what to do when it is not.
func Available() (bool, string) {
	if _, err := exec.LookPath(Binary); err != nil {
		return false, "\n**************************************************************\n" +
			"* " + Binary + " is not installed: the Redis tests cannot run. *\n" +
			"* Install it: apt-get install -y redis-server (CI does this).  *\n" +
			"**************************************************************"
	}
	return true, ""
}

// Require fails (CI=true) or skips the test when the binary is missing.
func Require(tb testing.TB) {
	tb.Helper()
	if ok, msg := Available(); !ok {
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg + "\nCI=true: a missing " + Binary + " is an error")
		}
		tb.Log(msg)
		tb.Skip("SKIPPED: " + Binary + " is not installed")
	}
}

// Start runs a server for tb, stopped by tb.Cleanup; args are extra redis-server arguments
// (e.g. "--requirepass", pw).
func Start(tb testing.TB, args ...string) *Server {
	tb.Helper()
	Require(tb)
	s, err := Launch(tb.TempDir(), args...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// Launch starts a server on a free loopback port with its working files in dir. The caller
// must Stop it.
func Launch(dir string, args ...string) (*Server, error) {
	var last error
	for range 5 { // the free port may be taken between the probe and the start
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s := &Server{Port: port, dir: dir, args: args}
		if last = s.start(); last == nil {
			return s, nil
		}
	}
	return nil, last
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) start() error {
	cmd := exec.Command(Binary, append([]string{"--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir, "--daemonize", "no", "--loglevel", "warning"}, s.args...)...)
	cmd.SysProcAttr = childAttr()
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", Binary, err)
	}
	var logs strings.Builder
	var logMu sync.Mutex
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			logMu.Lock()
			logs.WriteString(sc.Text() + "\n")
			logMu.Unlock()
		}
	}()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ping(s.Addr()) == nil {
			break
		}
		select {
		case <-exited:
			logMu.Lock()
			defer logMu.Unlock()
			return fmt.Errorf("%s on port %d exited at start: %s", Binary, s.Port, logs.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("%s on port %d did not answer PING within 10s", Binary, s.Port)
		}
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	go func() {
		<-exited
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.cmd == cmd {
			s.cmd = nil
		}
	}()
	return nil
}

// ping sends an inline PING and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") && !strings.HasPrefix(line, "-NOAUTH") {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// Stop kills the server (SIGKILL: nothing is saved anyway) and waits until its port is
// closed. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	deadline := time.Now().Add(5 * time.Second)
	for ping(s.Addr()) == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// Restart stops the server and starts a new, empty one on the same port: what a Redis
// without persistence looks like after a crash.
func (s *Server) Restart() error {
	s.Stop()
	return s.StartAgain()
}

// StartAgain starts a stopped server again on its port.
func (s *Server) StartAgain() error {
	var err error
	for range 50 { // the kernel may hold the port for a moment
		if err = s.start(); err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

var shared struct {
	sync.Mutex
	s   *Server
	dir string
}

// Shared returns the test binary's shared server, started on first use; TestMain calls
// StopShared after m.Run. Tests sharing it keep apart by key prefix.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	Require(tb)
	shared.Lock()
	defer shared.Unlock()
	if shared.s == nil {
		dir, err := os.MkdirTemp("", "redistest-")
		if err != nil {
			tb.Fatal(err)
		}
		s, err := Launch(dir)
		if err != nil {
			os.RemoveAll(dir)
			tb.Fatal(err)
		}
		shared.s, shared.dir = s, dir
	}
	return shared.s
}

// StopShared stops the shared server, if one was started.
func StopShared() {
	shared.Lock()
	defer shared.Unlock()
	if shared.s != nil {
		shared.s.Stop()
		os.RemoveAll(shared.dir)
		shared.s = nil
	}
}
