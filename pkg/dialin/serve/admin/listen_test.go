package admin

import (
	"net"
	"strings"
	"testing"
)

// TestListenTakenAddress: when another process holds the default address serve goes on
// without an admin listener and says why; an address the user chose is an error.
func TestListenTakenAddress(t *testing.T) {
	t.Parallel()
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	addr := held.Addr().String()
	ln, warning, err := Listen(addr, false)
	if ln != nil || err != nil || !strings.Contains(warning, addr+" is in use") {
		t.Fatalf("default taken: %v %q %v", ln, warning, err)
	}
	ln, _, err = Listen(addr, true)
	if ln != nil || err == nil || !strings.HasPrefix(err.Error(), "--admin-addr: cannot listen on "+addr) {
		t.Fatalf("chosen taken: %v %v", ln, err)
	}
	if ln, _, err := Listen("", false); ln != nil || err != nil {
		t.Fatalf("off: %v %v", ln, err)
	}
}
