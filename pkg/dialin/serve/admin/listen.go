package admin

import (
	"errors"
	"fmt"
	"net"
	"syscall"
)

// DefaultAddr is where the admin listener and `dialin calls` meet by default.
const DefaultAddr = "127.0.0.1:7861"

// Listen binds the admin listener on addr. When addr is the default that the user did not
// choose (explicit false) and another process holds it, such as a second serve on the
// machine, serve goes on without an admin listener: Listen returns a nil listener and a
// warning. An address the user chose that cannot be bound is an error. An empty addr turns
// the listener off.
func Listen(addr string, explicit bool) (ln net.Listener, warning string, err error) {
	if addr == "" {
		return nil, "", nil
	}
	ln, err = net.Listen("tcp", addr)
	if err == nil {
		return ln, "", nil
	}
	if !explicit && errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Sprintf("no admin listener: %s is in use (another dialin serve?); `dialin calls` and the inspector page need --admin-addr 127.0.0.1:0 or another port", addr), nil
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	return nil, "", fmt.Errorf("--admin-addr: cannot listen on %s: %w", addr, err)
}
