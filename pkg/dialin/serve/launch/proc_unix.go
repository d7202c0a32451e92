//go:build unix

package launch

import "syscall"

// ownProcessGroup puts the bot in a new process group: a terminal's Ctrl-C (SIGINT to the
// foreground group) stops serve but not the bots of calls in progress.
func ownProcessGroup() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
