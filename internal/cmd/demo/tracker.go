package demo

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// tracker is serve's event sink in the demo: it follows the bot processes (so the demo ends
// only once they have) and keeps what went wrong with each call, to show it.
type tracker struct {
	mu       sync.Mutex
	bots     map[string]int // call id → pid of its running bot
	problems map[string][]string
}

func newTracker() *tracker {
	return &tracker{bots: map[string]int{}, problems: map[string][]string{}}
}

// Emit implements serve.Sink.
func (t *tracker) Emit(e serve.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch e.Kind {
	case serve.EventBotStarted:
		if e.PID > 0 {
			t.bots[e.CallID] = e.PID
		}
	case serve.EventBotExited:
		delete(t.bots, e.CallID)
		if e.ExitCode != 0 {
			t.problems[e.CallID] = append(t.problems[e.CallID], "the bot exited with "+e.Reason)
		}
	case serve.EventFailed, serve.EventRefused, serve.EventRejected:
		t.problems[e.CallID] = append(t.problems[e.CallID], "serve: "+string(e.Kind)+": "+e.Reason)
	}
}

// problemsOf returns what went wrong with a call; rejected webhooks (no call id) are under "".
func (t *tracker) problemsOf(callID string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.problems[callID]...)
}

// waitBots waits until every bot serve started has exited, or ctx ends.
func (t *tracker) waitBots(ctx context.Context) {
	for {
		t.mu.Lock()
		n := len(t.bots)
		t.mu.Unlock()
		if n == 0 || ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// killBots ends the bots still running, by their pid.
func (t *tracker) killBots() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, pid := range t.bots {
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Kill()
		}
		delete(t.bots, id)
	}
}
