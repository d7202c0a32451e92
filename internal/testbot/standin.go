package testbot

import (
	"context"
	"fmt"
	"os"

	"github.com/dialin-project/dialin/internal/standin"
	"github.com/dialin-project/dialin/pkg/dialin/botcall"
)

// runStandin runs the stand-in bot on the call serve wrote to stdin, and exits 0 when it
// left the call, 1 otherwise.
func runStandin() {
	call, err := botcall.Read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(1)
	}
	key := os.Getenv("DAILY_API_KEY")
	o := standin.Options{APIURL: os.Getenv("DAILY_API_URL"), APIKey: key, Patch: key != ""}.WithCall(call)
	if err := standin.Run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(1)
	}
	os.Exit(0)
}
