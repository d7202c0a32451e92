package bench

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// place places n calls to the routed number, every interval (0: all at once), and returns
// their ids.
func (e *emu) place(ctx context.Context, n int, interval time.Duration, first int) ([]string, error) {
	ids := make([]string, 0, n)
	start := time.Now()
	for i := range n {
		if interval > 0 {
			if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
				select {
				case <-ctx.Done():
					return ids, ctx.Err()
				case <-time.After(d):
				}
			}
		}
		id, err := e.s.PlaceCall(dailytest.CallSpec{To: benchNumber, From: fmt.Sprintf("+1555%07d", first+i)})
		if err != nil {
			return ids, fmt.Errorf("placing call %d: %w", i, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// settle waits until every call is over (ended, lost or dropped) or the deadline passes: a
// call still connected then counts as connected.
func (e *emu) settle(ctx context.Context, ids []string, deadline time.Time) error {
	wctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	for _, id := range ids {
		if _, err := e.s.WaitCall(wctx, id, dailytest.CallEnded, dailytest.CallLost, dailytest.CallDropped); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if wctx.Err() != nil {
				return nil // the deadline: read the calls as they are
			}
			return err
		}
	}
	return nil
}

// results reads the calls' timelines.
func (e *emu) results(phase string, ids []string) []callResult {
	out := make([]callResult, 0, len(ids))
	for _, id := range ids {
		rec, ok := e.s.Call(id)
		if !ok {
			out = append(out, callResult{id: id, phase: phase, handoff: -1})
			continue
		}
		r := callResult{id: id, phase: phase, handoff: -1}
		received, _ := rec.At("received")
		if t, ok := rec.At("bot_started"); ok {
			r.handoff = t.Sub(received)
		}
		if t, ok := rec.At("connected"); ok {
			r.connected, r.toConnect = true, t.Sub(received)
		}
		for _, m := range rec.Timeline {
			if m.Name == "webhook_answered" {
				if code, err := strconv.Atoi(m.Detail); err == nil && (code < 200 || code > 299) && !r.connected {
					r.refused, r.refusal = true, m.At.Sub(received)
				}
				break
			}
		}
		out = append(out, r)
	}
	return out
}
