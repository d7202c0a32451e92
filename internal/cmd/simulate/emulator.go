package simulate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dialin-project/dialin/internal/cmd/simulate/timeline"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
)

// emulatorRun places the call through the emulator and follows it until the caller is
// connected (exit 0), or the call is lost or dropped (exit 1). The timeline is printed once
// the call has its outcome, in time order: the emulator learns some marks (room_created,
// bot_joined) only when the call connects, with their earlier real times, so printing marks
// as they arrive would put them out of order.
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
	var final timeline.Call
	var failed *timeline.Mark
	err = o.IO.WithProgress("Following call "+id, func() error {
		var err error
		final, err = timeline.Follow(followCtx, em, id, func(_ timeline.Call, m timeline.Mark) {
			if m.Name == timeline.MarkWebhookFailed && failed == nil {
				failed = &m
				cancel() // the emulator does not retry: the call would wait for the hold timeout
			}
		})
		return err
	})
	if failed != nil {
		return o.webhookFailed(ctx, em, id, *failed)
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("call %s is still on hold after --timeout %s", id, o.Timeout)
		}
		return err
	}
	if err := o.printCall(final); err != nil {
		return err
	}
	if !final.Connected() {
		return fmt.Errorf("call %s was not connected: %s", id, final.Outcome())
	}
	return nil
}

// webhookFailed ends a call whose webhook could not be delivered: nothing will find it a
// room, so instead of holding the caller until the hold timeout, the caller hangs up now.
func (o *CallOptions) webhookFailed(ctx context.Context, em *control.Client, id string, m timeline.Mark) error {
	rec, err := em.Hangup(ctx, id)
	final := timeline.FromRecord(rec)
	if err != nil { // it may have ended meanwhile (its hold timed out): show how
		rec, getErr := em.Call(ctx, id)
		if final = timeline.FromRecord(rec); getErr != nil || !final.Done() {
			return fmt.Errorf("the webhook of call %s failed (%s), and hanging the call up failed: %w", id, m.Detail, err)
		}
	}
	if err := o.printCall(final); err != nil {
		return err
	}
	return cmdutil.WithHint(fmt.Errorf("the route's webhook for call %s was not delivered: %s; the call was hung up instead of waiting for the hold timeout", id, m.Detail),
		"is `dialin serve` running at the route's URL? See it with `dialin routes list`")
}

// printCall writes the call's timeline in time order and its outcome, or its --json report.
func (o *CallOptions) printCall(c timeline.Call) error {
	if o.Exporter != nil {
		return o.Exporter.Write(o.IO, c.Report())
	}
	_, err := fmt.Fprint(o.IO.Out, c.Render())
	return err
}
