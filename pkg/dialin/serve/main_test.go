package serve

import (
	"os"
	"testing"

	"github.com/dialin-project/dialin/internal/testbot"
)

// TestMain lets the test binary be the bot: serve starts it again with SERVE_TESTBOT=1.
func TestMain(m *testing.M) {
	if os.Getenv(testbot.EnvMode) == "1" {
		testbot.Main()
	}
	os.Exit(m.Run())
}
