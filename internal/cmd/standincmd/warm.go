package standincmd

import (
	"context"
	"fmt"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
	"github.com/dialin-project/dialin/pkg/dialin/botcall"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
)

// waitForCall is the warm-bot contract (docs/warm-bots.md), as a Python bot keeps it: the
// start-up (imports) comes first, then the bot says it waits, reads its call as one JSON
// line on stdin and acknowledges it. Started warm by serve, the start-up is over before the
// call arrives; started for a call, it costs the same as with arguments.
//
// Its start-up also opens its connection to the emulator (reading its clock), which the
// report of bot_started then reuses: that report is the bench's measure of the hand-off, and
// a first connection (and the first run of the HTTP client's code in a fresh process) would
// add its own time to it. Failing to read the clock is left to the report to say.
func waitForCall(ctx context.Context, opts *Options, apiURL, apiKey string) (botcall.Call, error) {
	if opts.StartupDelay > 0 {
		if err := daily.Sleep(ctx, opts.StartupDelay); err != nil {
			return botcall.Call{}, err
		}
	}
	if control.CheckLoopback(apiURL) == nil {
		_, _ = control.New(apiURL, apiKey, nil).Now(ctx)
	}
	fmt.Fprintln(opts.IO.Out, launch.WarmWaitingLine)
	c, err := botcall.Read(opts.IO.In)
	if err != nil {
		return botcall.Call{}, fmt.Errorf("reading the call from stdin: %w", err)
	}
	fmt.Fprintln(opts.IO.Out, launch.WarmAcceptedLine)
	return c, nil
}
