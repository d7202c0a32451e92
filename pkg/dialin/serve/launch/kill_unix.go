//go:build unix

package launch

import (
	"os"
	"syscall"
)

// killTree kills a bot and its process group (the bot leads its own group, see
// ownProcessGroup), so that helpers it started cannot take its call either.
func killTree(p *os.Process) {
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err != nil {
		_ = p.Kill()
	}
}
