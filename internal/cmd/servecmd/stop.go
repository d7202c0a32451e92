package servecmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// watchInterrupts returns a channel that receives once the process got its second SIGINT or
// SIGTERM: the first cancels the command's context (graceful shutdown); the second means
// "stop now". dialin's main restores the default action after the first signal, so without
// this a second Ctrl-C killed serve before it could name the calls it dropped. After the
// second, a third signal kills the process as usual.
func (o *Options) watchInterrupts() (second <-chan struct{}, stop func()) {
	sigs := o.interrupts
	var ch chan os.Signal
	if sigs == nil {
		ch = make(chan os.Signal, 2)
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		sigs = ch
	}
	out := make(chan struct{})
	done := make(chan struct{})
	go func() {
		for n := 0; ; {
			select {
			case <-sigs:
				if n++; n == 2 {
					if ch != nil {
						signal.Stop(ch)
					}
					close(out)
					return
				}
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return out, func() {
		once.Do(func() {
			close(done)
			if ch != nil {
				signal.Stop(ch)
			}
		})
	}
}

// droppedCalls records the calls serve refused because it was stopping (their events say
// "serve is shutting down"), to name them all when a shutdown gives up.
type droppedCalls struct {
	mu    sync.Mutex
	calls []string // "callId (rule)"
	list  []string // callIds
}

func (d *droppedCalls) Emit(e serve.Event) {
	if (e.Kind != serve.EventRefused && e.Kind != serve.EventFailed) || e.CallID == "" ||
		!(strings.HasPrefix(e.Reason, "serve is shutting down") || strings.HasPrefix(e.Reason, "dropped:")) {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, fmt.Sprintf("%s (%s)", e.CallID, e.Rule))
	d.list = append(d.list, e.CallID)
}

func (d *droppedCalls) ids() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.list...)
}

// describe names the dropped calls and what becomes of them.
func (d *droppedCalls) describe() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.calls) == 0 {
		return "no accepted call was waiting"
	}
	return fmt.Sprintf("%d accepted %s dropped before reaching a bot: %s; each stays on hold until Daily plays the route's timeout message",
		len(d.calls), plural(len(d.calls), "call"), strings.Join(d.calls, ", "))
}

// checkKey asks Daily which domain the API key belongs to (GET /): a key Daily refuses ends
// serve before its banner says it listens. Any other failure (Daily unreachable) is left to
// the start-up that follows, which warns and retries.
func checkKey(ctx context.Context, b *DepsBuild) error {
	if _, err := b.Deps.Client.Domain(ctx); daily.IsAuth(err) {
		return err
	}
	return nil
}
