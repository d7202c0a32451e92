package main

import (
	"errors"
	"os/exec"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCmds are the custom testscript commands. Add yours here, one line each.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"exitcode":  cmdExitCode,
	"emuapi":    cmdEmuAPI,    // script_emulator_test.go
	"stdoutenv": cmdStdoutEnv, // script_emulator_test.go
	"waitenv":   cmdWaitEnv,   // script_emulator_test.go
	"freeport":  cmdFreePort,  // script_serve_test.go
	"waithttp":  cmdWaitHTTP,  // script_serve_test.go
}

// cmdExitCode runs a program and asserts its exact exit status (exec only knows zero versus
// non-zero). Its stdout and stderr are kept for the stdout/stderr commands that follow.
//
//	exitcode 64 dialin numbers --bogus
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode CODE program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %q is not a number", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}
