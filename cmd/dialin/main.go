// Command dialin is a command-line tool and webhook server for Daily's telephony: phone
// numbers, pinless dial-in routes, SIP rooms and the server that hands each call to a bot.
// Everything but the exit lives in internal/cli, so tests can run it in-process.
package main

import (
	"os"

	"github.com/dialin-project/dialin/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
