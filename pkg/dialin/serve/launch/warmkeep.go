package launch

// Keeping the warm bots: starting them (paced), watching each until it waits for a call,
// and dropping the ones that die or hang.

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

func (w *Warm) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// keep starts bots until Warm are starting or waiting, one at a time and at most StartRate
// per second, and backs off after bots that die or hang before they take a call (a broken
// command must not fork-bomb).
func (w *Warm) keep(ctx context.Context) {
	defer w.keeper.Done()
	for ctx.Err() == nil {
		w.mu.Lock()
		target := w.targetLocked(time.Now())
		w.m.target.Set(float64(target))
		need := target - len(w.idle) - w.starting
		var surplus []*warmBot
		if w.cfg.Auto {
			surplus = w.surplusLocked(target)
		}
		wait := time.Duration(0)
		if w.failures > 0 {
			wait = time.Until(w.lastFail.Add(backoff(w.failures)))
		}
		w.mu.Unlock()
		for _, b := range surplus {
			b.kill()
		}
		if need > 0 && wait <= 0 {
			r := w.starts.Reserve()
			wait = r.Delay()
			if wait <= 0 {
				w.spawn()
				continue
			}
			r.Cancel()
		}
		var timer <-chan time.Time
		switch {
		case need > 0:
			timer = time.After(wait)
		case w.cfg.Auto:
			timer = time.After(autoWarmTick) // the rate falls without an event to say so
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-timer:
		}
	}
}

// backoff is the pause before the next start after n failures in a row: 250 ms, doubled,
// at most 30 s.
func backoff(n int) time.Duration {
	d := 250 * time.Millisecond << min(n-1, 7)
	return min(d, 30*time.Second)
}

func (w *Warm) spawn() {
	cmd := exec.Command(w.program, w.argv[1:]...)
	cmd.Args[0] = w.argv[0]
	cmd.Dir = w.cfg.Dir
	cmd.Env = w.env
	cmd.SysProcAttr = ownProcessGroup()
	cmd.WaitDelay = w.cold.cfg.WaitDelay
	b, err := startWarmBot(cmd, w.log, w.cfg.Rule, w.cfg.APIKey)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.failLocked()
		w.log.Error("starting a warm bot failed", "rule", w.cfg.Rule, "err", strings.TrimPrefix(unwrapExec(err).Error(), "fork/exec "))
		return
	}
	if w.closed {
		go b.kill()
		return
	}
	w.starting++
	w.live[b] = true
	w.m.starting.Set(float64(w.starting))
	go w.watch(b)
}

func (w *Warm) failLocked() {
	w.failures++
	w.lastFail = time.Now()
}

// watch follows a bot until it waits for a call, and then until it is handed one or dies.
func (w *Warm) watch(b *warmBot) {
	timer := time.NewTimer(w.cfg.StartTimeout)
	defer timer.Stop()
	select {
	case <-b.waiting:
		w.mu.Lock()
		if b.state == botStarting {
			w.waitedLocked(time.Since(b.started))
			b.state = botIdle
			w.starting--
			w.idle = append(w.idle, b)
			w.failures = 0
			w.m.starting.Set(float64(w.starting))
			w.m.waiting.Set(float64(len(w.idle)))
		}
		w.mu.Unlock()
	case <-b.done:
		w.lost(b, botStarting, "died", "warm bot exited before it waited for a call")
		return
	case <-timer.C:
		if w.lost(b, botStarting, "hung_start", fmt.Sprintf("warm bot did not print %q within %s; killed", WarmWaitingLine, w.cfg.StartTimeout)) {
			b.kill()
		}
		return
	}
	<-b.done
	w.lost(b, botIdle, "died", "warm bot exited while it waited for a call")
}

// lost drops a bot that is still in state from: it never takes a call, and a replacement
// is started. It reports whether the bot was in that state.
func (w *Warm) lost(b *warmBot, from botState, reason, msg string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if b.state != from {
		return false
	}
	b.state = botDead
	delete(w.live, b)
	if from == botStarting {
		w.starting--
		w.m.starting.Set(float64(w.starting))
	} else {
		for i, x := range w.idle {
			if x == b {
				w.idle = append(w.idle[:i:i], w.idle[i+1:]...)
				break
			}
		}
		w.m.waiting.Set(float64(len(w.idle)))
	}
	w.m.failed.WithLabelValues(reason).Inc()
	if from == botStarting && w.failedFirstLocked(msg) {
		return true
	}
	w.failLocked()
	w.log.Warn(msg, "rule", w.cfg.Rule, "pid", b.pid, "exit", b.exitHow())
	w.poke()
	return true
}
