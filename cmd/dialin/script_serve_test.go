package main

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdFreePort sets NAME to a TCP port on 127.0.0.1 where nothing listens, for a script that
// checks what happens when nothing answers. The port stays bound (never listening) until the
// script ends, so a connection to it is refused and no other process, another test suite
// included, can take it meanwhile. Servers bind port 0 themselves and tell their address.
//
//	freeport PORT
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport NAME")
	}
	port, closePort, err := boundNotListening()
	ts.Check(err)
	ts.Defer(closePort)
	ts.Setenv(args[0], strconv.Itoa(port))
}

// boundNotListening binds a TCP socket to a loopback port the system picks, without
// SO_REUSEADDR and without listening: connections to the port are refused, and no other
// socket can bind it until the returned func closes it.
func boundNotListening() (port int, closePort func(), err error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, nil, err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		return 0, nil, err
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		return 0, nil, err
	}
	return sa.(*syscall.SockaddrInet4).Port, func() { syscall.Close(fd) }, nil
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

// sigtermAfterReady is the `sigterm-after-ready FILE PROGRAM ARGS…` program of the scripts:
// it runs PROGRAM (its output is this program's; a `dialin serve … --ready-file FILE`), waits
// until FILE names serve's URL and its /readyz answers 200, sends it SIGTERM, and exits with
// its exit status. testscript's kill only sends SIGINT and SIGKILL; process managers send
// SIGTERM.
func sigtermAfterReady(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sigterm-after-ready READY-FILE PROGRAM [ARGS…]")
		return 2
	}
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "sigterm-after-ready:", err)
		return 2
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "sigterm-after-ready:", err)
		_ = cmd.Process.Kill()
		<-exited
		return 2
	}
	url, err := waitReadyFile(args[0], exited, 20*time.Second)
	if err != nil {
		return fail(err)
	}
	if _, err := waitHTTP(url+"/readyz", http.StatusOK, 20*time.Second); err != nil {
		return fail(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fail(err)
	}
	err = <-exited
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return 2
	}
	return 0
}

// waitReadyFile waits for serve's --ready-file and returns its DIALIN_SERVE_URL; it fails at
// once if serve exits first.
func waitReadyFile(path string, exited <-chan error, limit time.Duration) (string, error) {
	deadline := time.Now().Add(limit)
	for {
		if data, err := os.ReadFile(path); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if v, ok := strings.CutPrefix(line, "DIALIN_SERVE_URL="); ok {
					return v, nil
				}
			}
			return "", fmt.Errorf("%s has no DIALIN_SERVE_URL", path)
		}
		select {
		case err := <-exited:
			return "", fmt.Errorf("serve exited (%v) before writing %s", err, path)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("%s did not appear within %s", path, limit)
		}
	}
}
