package main

import (
	"bufio"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdEmuAPI sends one request to the emulator that DAILY_API_URL and DAILY_API_KEY name and
// fails unless it answers 2xx (with !, unless it does not). PATH is relative to the server
// root, so both the API (/v1/...) and the control endpoints (/_emulator/...) are reachable.
// Only the status is logged: answers may hold route secrets.
//
//	emuapi POST /_emulator/clock '{"advance_s": 1296000}'
//	emuapi POST /v1/ '{"properties": {"pinless_dialin": [...]}}'
func cmdEmuAPI(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: emuapi METHOD PATH [BODY]")
	}
	base := strings.TrimSuffix(ts.Getenv("DAILY_API_URL"), "/v1")
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		ts.Fatalf("emuapi: DAILY_API_URL %q is not a local emulator", base)
	}
	body := ""
	if len(args) == 3 {
		body = args[2]
	}
	req, err := http.NewRequest(args[0], base+args[1], strings.NewReader(body))
	ts.Check(err)
	req.Header.Set("Authorization", "Bearer "+ts.Getenv("DAILY_API_KEY"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	ts.Check(err)
	resp.Body.Close()
	ts.Logf("emuapi %s %s: %d", args[0], args[1], resp.StatusCode)
	if ok := resp.StatusCode/100 == 2; ok == neg {
		ts.Fatalf("emuapi %s %s answered %d", args[0], args[1], resp.StatusCode)
	}
}

// cmdWaitEnv waits (up to 20 s) for FILE, written by `dialin emulator --env-file FILE`, and
// sets the variables of its `export NAME=VALUE` lines in the script's environment.
//
//	waitenv emulator.env
func cmdWaitEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitenv FILE")
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(20 * time.Second)
	var f *os.File
	for {
		var err error
		if f, err = os.Open(path); err == nil {
			break
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitenv: %s did not appear within 20s", args[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if !ok {
			ts.Fatalf("waitenv: not an export line: %q", sc.Text())
		}
		if len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'' {
			value = strings.ReplaceAll(value[1:len(value)-1], `'\''`, `'`)
		}
		ts.Setenv(name, value)
		n++
	}
	ts.Check(sc.Err())
	if n == 0 {
		ts.Fatalf("waitenv: %s has no export lines", args[0])
	}
}

// cmdStdoutEnv sets NAME to the previous command's stdout, without surrounding blanks, so a
// script can reuse what a command printed (a bought number, an id).
//
//	exec dialin numbers buy --random --yes -q
//	stdoutenv NUM
func cmdStdoutEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: stdoutenv NAME")
	}
	value := strings.TrimSpace(ts.ReadFile("stdout"))
	if value == "" {
		ts.Fatalf("stdoutenv: the last command printed nothing on stdout")
	}
	ts.Setenv(args[0], value)
}
