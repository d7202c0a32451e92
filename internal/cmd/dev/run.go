package dev

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dialin-project/dialin/internal/cmd/servecmd"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/devroute"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/tunnel"
)

// session opens the number's dev session: the domain's writer (backups, lock) and the
// directory of its journal and session lock.
func (o *Options) session(ctx context.Context) (*devroute.Session, error) {
	client, err := o.DailyClient()
	if err != nil {
		return nil, err
	}
	root, err := o.StateDir()
	if err != nil {
		return nil, err
	}
	dir, err := routes.DomainDir(ctx, client, root)
	if err != nil {
		return nil, err
	}
	return &devroute.Session{
		Writer: routes.DomainWriter(dir, routes.NewDailyStore(client)),
		Dir:    filepath.Join(dir, "dev"),
		Number: o.Number,
	}, nil
}

// devRun is the session: restore a crashed one first, open the tunnel, swap the route, run
// serve until it ends, put the route back.
func devRun(ctx context.Context, o *Options) error {
	cs := output.NewErrColorScheme(o.IO)
	s, err := o.session(ctx)
	if err != nil {
		return err
	}
	release, err := s.Lock()
	if err != nil {
		return err
	}
	defer release()
	if err := o.restoreLeftover(ctx, s); err != nil {
		return err
	}
	provider := o.provider // chosen and checked by check
	path, err := servecmd.WebhookPath(o.Serve)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Serve.Addr)
	if err != nil {
		return fmt.Errorf("--addr: cannot listen on %s: %w", o.Serve.Addr, err)
	}
	defer ln.Close()
	o.IO.Infof("Opening the tunnel (%s) to %s", provider.Name(), ln.Addr())
	tun, err := provider.Open(ctx, "http://"+ln.Addr().String())
	if err != nil {
		return err
	}
	defer tun.Close()
	webhookURL := tun.URL() + path

	shown, err := s.Live(ctx)
	if err != nil {
		return err
	}
	o.showSwap(shown, webhookURL)
	if err := cmdutil.Confirm(o.IO, o.Yes, fmt.Sprintf("Send %s's calls to this machine until dev ends?", o.Number)); err != nil {
		return err
	}
	if _, err := s.Swap(ctx, shown, webhookURL, routes.ValidateOptions{AllowHTTP: o.AllowHTTP}); err != nil {
		var we *routes.WriteError
		if errors.As(err, &we) { // it may have landed: put back whatever the journal says
			o.warnIf(o.restoreAtExit(s, "the write could not be verified"))
		}
		return err
	}
	fmt.Fprintf(o.IO.ErrOut, "%s %s now rings this machine: %s (hmac kept)\n", cs.SuccessIcon(), o.Number, webhookURL)

	why, err := o.serveSession(ctx, ln, tun, webhookURL)
	rerr := o.restoreAtExit(s, why)
	if err == nil {
		return rerr
	}
	o.warnIf(rerr) // the session's own error is the one to exit with
	return err
}

// warnIf prints err as a warning, for an error that is not the one the command exits with.
func (o *Options) warnIf(err error) {
	if err != nil {
		fmt.Fprintf(o.IO.ErrOut, "%s %v\n", output.NewErrColorScheme(o.IO).WarningIcon(), err)
	}
}

// serveSession runs serve behind the tunnel until ctx ends (Ctrl-C, SIGTERM), the tunnel
// drops, the bot fails to start, or serve fails. It returns why it ended and the error to
// exit with.
func (o *Options) serveSession(ctx context.Context, ln net.Listener, tun tunnel.Tunnel, webhookURL string) (string, error) {
	if !o.Serve.Changed("log-format") {
		o.Serve.LogFormat = servecmd.LogText
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		cause error
	)
	stop := func(err error) {
		mu.Lock()
		if cause == nil {
			cause = err
		}
		mu.Unlock()
		cancel()
	}
	events := serve.SinkFunc(func(e serve.Event) {
		if e.Kind == serve.EventFailed && strings.HasPrefix(e.Reason, serve.StepStartBot) {
			stop(fmt.Errorf("the bot failed to start (call %s): %s", e.CallID, e.Reason))
		}
	})
	go func() {
		select {
		case <-tun.Done():
			if err := tun.Err(); err != nil {
				stop(err)
			}
		case <-sctx.Done():
		}
	}()
	ready := func(string) {
		o.IO.Infof("Ready: call %s and this machine's bot answers. Ctrl-C ends the session and puts the route back.", o.Number)
		if o.live != nil {
			o.live(webhookURL)
		}
	}
	err := servecmd.RunEmbedded(sctx, o.Serve, servecmd.Embedded{Listener: ln, Ready: ready, Events: events, Lines: true})
	mu.Lock()
	defer mu.Unlock()
	switch {
	case err != nil:
		return "serve stopped: " + err.Error(), err
	case cause != nil:
		return cause.Error(), cause
	}
	return "dev was stopped", nil
}
