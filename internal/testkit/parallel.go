package testkit

import (
	"flag"
	"runtime"
	"strconv"
)

// WaitingTestsAtOnce is how many parallel tests DefaultParallel lets run at a time in a
// package whose tests mostly wait.
const WaitingTestsAtOnce = 4

// DefaultParallel raises the default of -parallel to WaitingTestsAtOnce (or GOMAXPROCS, if
// more) for a test binary whose parallel tests spend most of their time waiting on other
// processes (a route write's settle, a server starting, a signal's effect): -parallel's own
// default, GOMAXPROCS, is two on a small machine and left its cores idle. Call it from
// TestMain before m.Run, which parses the command line: an explicit -parallel wins.
func DefaultParallel() {
	f := flag.Lookup("test.parallel")
	if f == nil || f.Value.String() != f.DefValue {
		return
	}
	_ = f.Value.Set(strconv.Itoa(max(WaitingTestsAtOnce, runtime.GOMAXPROCS(0))))
}
