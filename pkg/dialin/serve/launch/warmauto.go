package launch

// Warm bots sized by the call rate (WarmConfig.Auto): the default for a bot command that
// reads its call from stdin. A command that does not speak the warm contract is found out
// by its first bot, and the rule goes on with a bot per call.

import (
	"math"
	"sort"
	"time"
)

const (
	// AutoWarmFloor is how many warm bots an auto rule keeps when no call comes.
	AutoWarmFloor = 2
	// AutoWarmMax bounds an auto rule's warm bots when WarmConfig.Warm does not.
	AutoWarmMax = 100
	// autoWarmWindow is how far back the call rate is measured for the bots to shrink, and
	// autoWarmRise for them to grow.
	autoWarmWindow = 10 * time.Second
	autoWarmRise   = 2 * time.Second
	// autoWarmHeadroom: bots for the calls of this many replacement times, so that a rate
	// that doubles does not empty the pool before the new bots are up.
	autoWarmHeadroom = 2.0
	// autoWarmTick is how often an auto rule looks at its size again without a call.
	autoWarmTick = time.Second
)

// autoSize is the state of an auto rule's sizing, guarded by the Warm's mutex.
type autoSize struct {
	proven  bool          // a bot has printed the waiting line: the command speaks the contract
	refused bool          // the first bot failed before waiting: a bot per call from now on
	startUp time.Duration // the last bots' time from start to waiting (moving average)
	calls   []time.Time   // launches within autoWarmWindow, oldest first
}

// targetLocked is how many bots should be starting or waiting now.
func (w *Warm) targetLocked(now time.Time) int {
	if !w.cfg.Auto {
		return w.cfg.Warm
	}
	a := &w.auto
	switch {
	case a.refused:
		return 0
	case !a.proven:
		return 1 // one bot finds out whether the command is a warm bot at all
	}
	cut := 0
	window := w.cfg.window
	if window <= 0 {
		window = autoWarmWindow
	}
	for cut < len(a.calls) && now.Sub(a.calls[cut]) > window {
		cut++
	}
	a.calls = a.calls[cut:]
	// The rate grows on the last autoWarmRise of calls and falls on the whole window: a rule
	// whose calls start at 20 per second has its bots within a second or two, and a lull
	// between calls does not take them away.
	rise := min(autoWarmRise, window)
	recent := len(a.calls) - sort.Search(len(a.calls), func(i int) bool { return now.Sub(a.calls[i]) <= rise })
	rate := max(float64(len(a.calls))/window.Seconds(), float64(recent)/rise.Seconds())
	n := int(math.Ceil(rate * a.startUp.Seconds() * autoWarmHeadroom))
	return min(max(n, AutoWarmFloor), w.maxWarm())
}

// maxWarm is the most bots an auto rule keeps.
func (w *Warm) maxWarm() int {
	if w.cfg.Warm > 0 {
		return w.cfg.Warm
	}
	return AutoWarmMax
}

// callArrivedLocked counts a launch in the call rate.
func (w *Warm) callArrivedLocked(now time.Time) {
	if w.cfg.Auto && !w.auto.refused {
		w.auto.calls = append(w.auto.calls, now)
	}
}

// waitedLocked records that a bot printed the waiting line after startUp.
func (w *Warm) waitedLocked(startUp time.Duration) {
	if !w.cfg.Auto {
		return
	}
	a := &w.auto
	if !a.proven {
		a.proven, a.startUp = true, startUp
		w.log.Info("the bot speaks the warm contract: keeping warm bots, as many as the call rate needs",
			"rule", w.cfg.Rule, "start_up_s", startUp.Seconds(), "floor", AutoWarmFloor, "max", w.maxWarm())
		return
	}
	a.startUp = (3*a.startUp + startUp) / 4
}

// failedFirstLocked reports whether a bot that failed before waiting was an auto rule's
// first: the command is then taken for one that does not speak the warm contract.
func (w *Warm) failedFirstLocked(why string) bool {
	if !w.cfg.Auto || w.auto.proven || w.auto.refused {
		return false
	}
	w.auto.refused = true
	w.m.target.Set(0)
	w.log.Info("the bot does not speak the warm contract ("+why+"): starting a bot per call",
		"rule", w.cfg.Rule, "contract", "docs/warm-bots.md")
	return true
}

// surplusLocked takes the oldest waiting bots beyond target out of the pool, to be killed:
// an auto rule gives back the bots a burst needed once the rate has fallen.
func (w *Warm) surplusLocked(target int) []*warmBot {
	var out []*warmBot
	for len(w.idle) > 0 && len(w.idle)+w.starting > target {
		b := w.idle[0]
		w.idle = w.idle[1:]
		b.state = botDead
		delete(w.live, b)
		out = append(out, b)
	}
	if len(out) > 0 {
		w.m.waiting.Set(float64(len(w.idle)))
	}
	return out
}
