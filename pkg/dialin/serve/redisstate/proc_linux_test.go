package redisstate_test

import "syscall"

// childAttr makes the kernel kill a replica process if the test binary dies first.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
