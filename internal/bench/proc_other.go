//go:build !unix

package bench

import (
	"os"
	"syscall"
)

// The benchmark reads /proc, so it measures only on Linux; elsewhere it starts and stops
// processes plainly and fails when it reads their usage.

func ownGroup() *syscall.SysProcAttr { return nil }

func terminate(p *os.Process) { _ = p.Kill() }

func killGroup(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}
