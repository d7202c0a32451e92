//go:build race

package raceexit

import (
	"os"
	"strings"
	"testing"
)

// TestThisBinaryRunsWithoutTheExitSleep: the init above has started this very test binary
// again with the option set, or the user set it.
func TestThisBinaryRunsWithoutTheExitSleep(t *testing.T) {
	if got := os.Getenv("GORACE"); !strings.Contains(got, option+"=") {
		t.Fatalf("GORACE = %q; want it to set %s", got, option)
	}
}
