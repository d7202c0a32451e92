package testkit

import (
	"flag"
	"runtime"
	"strconv"
	"testing"
)

// TestDefaultParallelRaisesOnlyTheDefault: the testing package read -parallel before any test
// ran, so changing the flag here affects no test; it is put back all the same.
func TestDefaultParallelRaisesOnlyTheDefault(t *testing.T) {
	f := flag.Lookup("test.parallel")
	was := f.Value.String()
	t.Cleanup(func() { _ = f.Value.Set(was) })

	_ = f.Value.Set(f.DefValue)
	DefaultParallel()
	if want := strconv.Itoa(max(WaitingTestsAtOnce, runtime.GOMAXPROCS(0))); f.Value.String() != want {
		t.Errorf("-parallel left at its default: %s, want %s", f.Value, want)
	}
	_ = f.Value.Set("1") // set by someone already (as the command line does after TestMain)
	DefaultParallel()
	if f.Value.String() != "1" {
		t.Errorf("-parallel 1 became %s", f.Value)
	}
}
