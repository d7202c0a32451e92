package calls

import (
	"context"
	"fmt"

	"github.com/dialin-project/dialin/internal/cmd/simulate/timeline"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
)

// showEmulated prints the emulator's record of a call: the caller's side of the timeline
// (held, webhook answered, ready, updated, connected), as `simulate call --via-emulator`.
func showEmulated(ctx context.Context, o *ShowOptions) error {
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	apiURL, err := cfg.APIURL()
	if err != nil {
		return err
	}
	if err := control.CheckLoopback(apiURL); err != nil {
		return cmdutil.FlagErrorf("--emulator: DAILY_API_URL: %v; the emulator runs on this machine", err)
	}
	key, _ := cfg.APIKey()
	if key == "" {
		return &cmdutil.NoAuthError{Profile: cfg.Profile()}
	}
	rec, err := control.New(apiURL, key, nil).Call(ctx, o.CallID)
	if err != nil {
		return err
	}
	call := timeline.FromRecord(rec)
	if o.Exporter != nil {
		return o.Exporter.Write(o.IO, call.Report())
	}
	_, err = fmt.Fprint(o.IO.Out, call.Render())
	return err
}
