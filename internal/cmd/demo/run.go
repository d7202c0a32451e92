package demo

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/dialin-project/dialin/internal/cmd/simulate/timeline"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// Result is what `demo --json` prints.
type Result struct {
	Patch     string       `json:"patch"`
	Number    string       `json:"number"`
	Total     int          `json:"total"`
	Connected int          `json:"connected"`
	HoldP50MS *int64       `json:"hold_p50_ms"` // over the connected calls; null when none
	HoldMaxMS *int64       `json:"hold_max_ms"`
	Calls     []CallResult `json:"calls"`
}

// CallResult is one call: its timeline, and what serve or the bot reported going wrong.
type CallResult struct {
	timeline.Report
	Problems []string `json:"problems,omitempty"`
}

func demoRun(ctx context.Context, o *Options) error {
	// Every call ends by itself: connected and then left by its bot, or lost on hold.
	ctx, cancel := context.WithTimeout(ctx, o.HoldTimeout+o.BotStartup+o.TalkTime+time.Minute)
	defer cancel()
	w, err := startWorld(ctx, o)
	if err != nil {
		return err
	}
	defer w.close()
	self, _ := o.Executable()
	o.IO.Infof("Daily API emulator on %s (in this process: nothing leaves this machine)", w.emu.URL)
	o.IO.Infof("Bought %s; its route points at serve on %s%s", w.number, w.url, "/dialin")
	o.IO.Infof("serve: %s", w.serveLine(self))
	if o.Calls == 1 {
		o.IO.Infof("Placing 1 call…")
	} else {
		o.IO.Infof("Placing %d calls at once…", o.Calls)
	}

	ids := make([]string, o.Calls)
	for i := range ids {
		from := fmt.Sprintf("+1555010%04d", i+1)
		if ids[i], err = w.emu.PlaceCall(dailytest.CallSpec{To: w.number, From: from}); err != nil {
			return fmt.Errorf("placing call %d: %w", i+1, err)
		}
	}
	calls := make([]timeline.Call, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { calls[i] = w.follow(ctx, id) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	// Let the bots finish (and report how they ended) before the calls are shown.
	botsCtx, botsCancel := context.WithTimeout(ctx, 10*time.Second)
	w.tracker.waitBots(botsCtx)
	botsCancel()
	res := w.result(calls)
	if o.Exporter != nil {
		if err := o.Exporter.Write(o.IO, res); err != nil {
			return err
		}
	} else {
		printResult(o, res, calls)
	}
	if res.Connected < res.Total {
		return fmt.Errorf("%d of %d calls were not connected", res.Total-res.Connected, res.Total)
	}
	return nil
}

// follow waits until the call has its outcome and, once connected, until its bot has left,
// so the timeline is complete.
func (w *world) follow(ctx context.Context, id string) timeline.Call {
	rec, err := w.emu.WaitCall(ctx, id, timeline.Final...)
	if err == nil && rec.State == timeline.StateConnected {
		endCtx, cancel := context.WithTimeout(ctx, w.o.TalkTime+10*time.Second)
		defer cancel()
		if ended, err := w.emu.WaitCall(endCtx, id, timeline.StateEnded, timeline.StateLost, timeline.StateDropped); err == nil {
			rec = ended
		}
	}
	if err != nil {
		rec, _ = w.emu.Call(id)
	}
	return timeline.FromRecord(rec)
}

func (w *world) result(calls []timeline.Call) Result {
	res := Result{Patch: w.o.Patch, Number: w.number, Total: len(calls)}
	var holds []time.Duration
	for _, c := range calls {
		res.Calls = append(res.Calls, CallResult{Report: c.Report(), Problems: w.tracker.problemsOf(c.ID)})
		if c.Connected() {
			res.Connected++
			if h, ok := c.Hold(); ok {
				holds = append(holds, h)
			}
		}
	}
	if len(holds) > 0 {
		sort.Slice(holds, func(i, j int) bool { return holds[i] < holds[j] })
		p50 := holds[(len(holds)+1)/2-1].Milliseconds() // nearest rank
		maxMS := holds[len(holds)-1].Milliseconds()
		res.HoldP50MS, res.HoldMaxMS = &p50, &maxMS
	}
	return res
}

func printResult(o *Options, res Result, calls []timeline.Call) {
	out := o.IO.Out
	for i, c := range calls {
		fmt.Fprint(out, c.Render())
		for _, p := range res.Calls[i].Problems {
			fmt.Fprintln(out, "  ! "+p)
		}
		fmt.Fprintln(out)
	}
	cs := output.NewColorScheme(o.IO)
	summary := fmt.Sprintf("connected %d/%d", res.Connected, res.Total)
	if res.Connected == res.Total {
		summary = cs.Green(summary)
	} else {
		summary = cs.Red(summary)
	}
	if res.HoldP50MS != nil {
		summary += fmt.Sprintf(", hold p50 %dms, max %dms", *res.HoldP50MS, *res.HoldMaxMS)
	}
	fmt.Fprintln(out, summary)
	switch {
	case res.Connected < res.Total || !o.IO.IsStdoutTTY():
	case o.Bot == BotPipecat:
		o.IO.Infof("Next: put serve in front of your own Pipecat bot: python bot.py -t daily, then dialin serve --bot-pipecat http://127.0.0.1:7860/start")
	default:
		o.IO.Infof("Next: put serve in front of your own bot: dialin serve --bot-cmd 'python3 -m bot -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}'")
	}
}
