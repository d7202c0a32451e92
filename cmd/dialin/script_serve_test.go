package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdFreePort sets NAME to a TCP port on 127.0.0.1 that nothing listens on, so a script can
// name serve's URL (in a route) before serve starts.
//
//	freeport PORT
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport NAME")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	ts.Check(l.Close())
	ts.Setenv(args[0], port)
}

// cmdWaitHTTP waits (up to 20 s) until GET URL answers STATUS (default 200): a server
// started in the background is ready.
//
//	waithttp http://127.0.0.1:$PORT/readyz
func cmdWaitHTTP(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waithttp URL [STATUS]")
	}
	want := http.StatusOK
	if len(args) == 2 {
		var err error
		if want, err = strconv.Atoi(args[1]); err != nil {
			ts.Fatalf("waithttp: %q is not a status", args[1])
		}
	}
	status, err := waitHTTP(args[0], want, 20*time.Second)
	if err != nil {
		ts.Fatalf("waithttp %s: %v (last status %d)", args[0], err, status)
	}
}

func waitHTTP(url string, want int, limit time.Duration) (int, error) {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	last := 0
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			last = resp.StatusCode
			if last == want {
				return last, nil
			}
		}
		if time.Now().After(deadline) {
			return last, fmt.Errorf("no %d within %s", want, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sigtermAfterReady is the `sigterm-after-ready URL PROGRAM ARGS…` program of the scripts:
// it runs PROGRAM (its output is this program's), waits until URL answers 200, sends it
// SIGTERM, and exits with its exit status. testscript's kill only sends SIGINT and SIGKILL;
// process managers send SIGTERM.
func sigtermAfterReady(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sigterm-after-ready URL PROGRAM [ARGS…]")
		return 2
	}
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "sigterm-after-ready:", err)
		return 2
	}
	if _, err := waitHTTP(args[0], http.StatusOK, 20*time.Second); err != nil {
		fmt.Fprintln(os.Stderr, "sigterm-after-ready:", err)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 2
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		fmt.Fprintln(os.Stderr, "sigterm-after-ready:", err)
		return 2
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return 2
	}
	return 0
}
