package redistest

import "syscall"

// childAttr makes the kernel kill redis-server when the test binary dies, so that a crashed
// or killed test run leaves no server behind.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
