package routescmd_test

import (
	"os"
	"testing"

	"github.com/dialin-project/dialin/internal/cli"
	"github.com/dialin-project/dialin/internal/cmd/routescmd"
	"github.com/dialin-project/dialin/internal/testkit"
)

// TestMain makes this test binary double as the dialin binary, for the tests that run
// `dialin routes set` as real processes (routescmd.DialinCommand): no `go build` of dialin,
// which cost the package most of its time on a loaded machine.
func TestMain(m *testing.M) {
	if os.Getenv(routescmd.AsDialinEnv) == "1" {
		os.Exit(cli.Main(os.Args[1:]))
	}
	testkit.DefaultParallel() // the tests wait on settles, Retry-After and processes
	os.Exit(m.Run())
}
