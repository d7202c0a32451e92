//go:build unix

package bench

import (
	"os"
	"syscall"
)

// ownGroup starts a system in a process group of its own.
func ownGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// terminate asks a process to end, as Ctrl-C or a service manager would.
func terminate(p *os.Process) { _ = p.Signal(syscall.SIGTERM) }

// killGroup kills a process and its process group (bots lead groups of their own).
func killGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	_ = syscall.Kill(pid, syscall.SIGKILL)
}
