//go:build !unix

package launch

import "syscall"

// ownProcessGroup: process groups are a Unix notion; elsewhere the bot is started plainly.
func ownProcessGroup() *syscall.SysProcAttr { return nil }
