//go:build unix

package launch

import (
	"context"
	"os"
	"syscall"
	"testing"

	"github.com/dialin-project/dialin/internal/testbot"
)

// The bot leads its own process group, so a Ctrl-C to serve's group does not reach it.
func TestProcessOwnGroup(t *testing.T) {
	t.Parallel()
	self, _ := os.Executable()
	env, _ := botEnv(t, testbot.EnvSleep+"=20s")
	p, err := NewProcess(ProcessConfig{Argv: []string{self}, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Launch(context.Background(), CallInfo{CallID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	pgid, err := syscall.Getpgid(b.PID)
	if err != nil {
		t.Fatal(err)
	}
	if pgid != b.PID || pgid == syscall.Getpgrp() {
		t.Fatalf("bot pgid %d, pid %d, ours %d", pgid, b.PID, syscall.Getpgrp())
	}
	// A signal to our own group would not reach it; end it through its group instead.
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if e := waitExit(t, b); e.Code != -1 {
		t.Fatalf("exit %+v, want killed by a signal", e)
	}
}
