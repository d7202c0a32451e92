// Package loopback decides which hosts name this machine only. dialin allows plain http, a
// missing signature or an emulator's key only towards such a host, so that rule is here once.
package loopback

import (
	"net"
	"strings"
)

// Host reports whether host (a URL's Hostname, or the host of HOST:PORT) names this machine
// only: "localhost" in any case, or a loopback IP address (127.0.0.0/8, ::1).
func Host(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
