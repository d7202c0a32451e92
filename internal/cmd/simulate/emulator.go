package simulate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/dialin-project/dialin/internal/cmd/simulate/timeline"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
)

// emulatorRun places the call through the emulator and follows its timeline until the
// caller is connected (exit 0), or the call is lost or dropped (exit 1).
func emulatorRun(ctx context.Context, o *CallOptions) error {
	apiURL, err := o.emulatorURL()
	if err != nil {
		return err
	}
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	key, _ := cfg.APIKey()
	if key == "" {
		return &cmdutil.NoAuthError{Profile: cfg.Profile()}
	}
	em := control.New(apiURL, key, nil)
	req := control.PlaceRequest{From: o.From, SIPHeaders: o.SIPHeaders}
	if strings.HasPrefix(o.To, "sip:") {
		req.SIPURI = strings.TrimPrefix(o.To, "sip:")
	} else {
		req.To = o.To
	}
	id, err := em.PlaceCall(ctx, req)
	if err != nil {
		return err
	}
	o.IO.Infof("Placed call %s through the emulator at %s; following it until it connects or is lost", id, em.RootURL())

	followCtx, cancel := o.ctxTimeout(ctx)
	defer cancel()
	var once sync.Once
	final, err := timeline.Follow(followCtx, em, id, func(c timeline.Call, m timeline.Mark) {
		if o.Exporter != nil {
			return
		}
		once.Do(func() { fmt.Fprintln(o.IO.Out, c.Header()) })
		fmt.Fprintln(o.IO.Out, c.FormatMark(m))
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("call %s is still on hold after --timeout %s", id, o.Timeout)
		}
		return err
	}
	if o.Exporter != nil {
		if err := o.Exporter.Write(o.IO, final.Report()); err != nil {
			return err
		}
	} else {
		once.Do(func() { fmt.Fprintln(o.IO.Out, final.Header()) })
		fmt.Fprintln(o.IO.Out, "  "+final.Outcome())
	}
	if !final.Connected() {
		return fmt.Errorf("call %s was not connected: %s", id, final.Outcome())
	}
	return nil
}
