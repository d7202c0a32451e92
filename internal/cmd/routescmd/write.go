package routescmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// writeRoutes is the one way the routes commands write: w.WriteFrom the routes the command
// last read (s.lastRead), under the "Writing the routes" progress, with Ctrl-C handled as the user needs it once a write has been sent.
// The first Ctrl-C lets that write finish and be read back and verified (the writer does
// not abandon a sent write); a second one stops at once, saying that the routes may have
// been applied and where the backup is, with exit code 130. It reports the routes another
// machine's write undid and the writer put back.
func (d *Deps) writeRoutes(ctx context.Context, s *session, w *routes.Writer, mutate func([]daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error)) (*routes.WriteResult, error) {
	g := &interruptGuard{ios: d.IO}
	defer g.stop()
	w.Sending = g.sending
	var wr *routes.WriteResult
	err := d.IO.WithProgress("Writing the routes", func() (err error) {
		wr, err = w.WriteFrom(ctx, s.lastRead, mutate, nil)
		return err
	})
	if err != nil && ctx.Err() != nil && g.sent() {
		// After Ctrl-C the CLI only says "interrupted": say here what became of the write.
		fmt.Fprintf(d.IO.ErrOut, "error: %v\nThe routes may have been applied; check `dialin routes list`.\n", err)
	}
	if wr != nil && len(wr.Restored) > 0 {
		cs := output.NewErrColorScheme(d.IO)
		fmt.Fprintf(d.IO.ErrOut, "%s Another machine's write undid route(s) %v just after this one; put back and verified\n",
			cs.WarningIcon(), wr.Restored)
	}
	return wr, err
}

// interruptGuard watches for Ctrl-C from the moment a write is sent.
type interruptGuard struct {
	ios    *iostreams.IOStreams
	mu     sync.Mutex
	ch     chan os.Signal
	done   chan struct{}
	backup string
}

// sending is Writer.Sending: from now on a Ctrl-C must not leave the user guessing.
func (g *interruptGuard) sending(backup string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.backup = backup
	if g.ch != nil {
		return
	}
	g.ch, g.done = make(chan os.Signal, 2), make(chan struct{})
	signal.Notify(g.ch, os.Interrupt, syscall.SIGTERM)
	go g.watch(g.ch, g.done)
}

// sent reports whether a write was sent.
func (g *interruptGuard) sent() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.ch != nil
}

func (g *interruptGuard) watch(ch chan os.Signal, done chan struct{}) {
	n := 0
	for {
		select {
		case <-done:
			return
		case <-ch:
			n++
			g.mu.Lock()
			backup := g.backup
			g.mu.Unlock()
			if n == 1 {
				fmt.Fprintln(g.ios.ErrOut, "Interrupted: finishing the write already sent and verifying it (Ctrl-C again to stop now)")
				continue
			}
			msg := "interrupted: the routes may have been applied; check `dialin routes list`"
			if backup != "" {
				msg += "; backup at " + backup
			}
			fmt.Fprintln(g.ios.ErrOut, msg)
			os.Exit(130) // the user insists: stop now (TestCtrlCDuringAWrite runs a real process)
		}
	}
}

func (g *interruptGuard) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch != nil {
		signal.Stop(g.ch)
		close(g.done)
	}
}
