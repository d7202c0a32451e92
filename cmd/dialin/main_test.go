package main

import (
	"flag"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/dialin-project/dialin/internal/cli"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script")

// TestMain makes this test binary double as the dialin binary inside scripts. The scripts
// mostly wait (settles, servers, signals): more of them run at once (testkit.DefaultParallel).
func TestMain(m *testing.M) {
	testkit.DefaultParallel()
	testscript.Main(m, map[string]func(){
		"dialin":              func() { os.Exit(cli.Main(os.Args[1:])) },
		"sigterm-after-ready": func() { os.Exit(sigtermAfterReady(os.Args[1:])) }, // script_serve_test.go
	})
}

// TestScripts runs testdata/script/*.txtar. Each script gets its own emulator, its key in
// DAILY_API_KEY and in $WORK/emulator-key.txt (for `stdin`), and a private config directory
// in $WORK/.config/dialin. EMULATOR_URL, DIALIN_TEST_DOMAIN and DIALIN_TEST_DOMAIN_ID describe the emulator.
func TestScripts(t *testing.T) {
	unignoreHangup()
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup:               setupScript,
		Cmds:                scriptCmds,
	})
}

func setupScript(e *testscript.Env) error {
	srv, err := dailytest.Start("127.0.0.1:0")
	if err != nil {
		return err
	}
	e.Defer(srv.Close)
	// A -race binary sleeps a second at exit by default; every script command is one.
	e.Setenv("GORACE", "atexit_sleep_ms=0")
	if err := os.WriteFile(filepath.Join(e.WorkDir, "emulator-key.txt"), []byte(srv.APIKey+"\n"), 0o600); err != nil {
		return err
	}
	e.Setenv("DAILY_API_URL", srv.URL)
	e.Setenv("DAILY_API_KEY", srv.APIKey)
	e.Setenv("DIALIN_CONFIG_DIR", filepath.Join(e.WorkDir, ".config", "dialin"))
	e.Setenv("HOME", e.WorkDir)
	e.Setenv("XDG_CONFIG_HOME", "")
	e.Setenv("DIALIN_PROFILE", "")
	e.Setenv("DIALIN_DEBUG", "")
	e.Setenv("DIALIN_FORCE_TTY", "")
	e.Setenv("NO_COLOR", "1")
	e.Setenv("EMULATOR_URL", srv.URL)
	e.Setenv("DIALIN_TEST_DOMAIN", srv.DomainName())
	e.Setenv("DIALIN_TEST_DOMAIN_ID", srv.DomainID()) // names route backups and the lock
	return nil
}

// unignoreHangup: run under nohup, this binary starts with SIGHUP ignored, and so would every
// process a script starts; emulator_process's `kill -HUP` would then stop nothing and the
// script would wait until the test timed out. Catching SIGHUP here (and dropping it, as
// ignoring would) lets the children start with the default disposition again.
func unignoreHangup() {
	if signal.Ignored(syscall.SIGHUP) {
		signal.Notify(make(chan os.Signal, 1), syscall.SIGHUP)
	}
}
