//go:build !unix

package launch

import "os"

// killTree kills the bot; without process groups its children are not reached.
func killTree(p *os.Process) { _ = p.Kill() }
