package launch

import (
	"os"
	"testing"

	"github.com/dialin-project/dialin/internal/testbot"
)

// TestMain lets the test binary act as a bot: the process launcher tests start it again with
// SERVE_TESTBOT=1 in its environment.
func TestMain(m *testing.M) {
	if os.Getenv(testbot.EnvMode) == "1" {
		testbot.Main()
	}
	os.Exit(m.Run())
}
