package standincmd

import (
	"context"
	"fmt"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/botcall"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
)

// waitForCall is the warm-bot contract (docs/warm-bots.md), as a Python bot keeps it: the
// start-up (imports) comes first, then the bot says it waits, reads its call as one JSON
// line on stdin and acknowledges it. Started warm by serve, the start-up is over before the
// call arrives; started for a call, it costs the same as with arguments.
func waitForCall(ctx context.Context, opts *Options) (botcall.Call, error) {
	if opts.StartupDelay > 0 {
		if err := daily.Sleep(ctx, opts.StartupDelay); err != nil {
			return botcall.Call{}, err
		}
	}
	fmt.Fprintln(opts.IO.Out, launch.WarmWaitingLine)
	c, err := botcall.Read(opts.IO.In)
	if err != nil {
		return botcall.Call{}, fmt.Errorf("reading the call from stdin: %w", err)
	}
	fmt.Fprintln(opts.IO.Out, launch.WarmAcceptedLine)
	return c, nil
}
