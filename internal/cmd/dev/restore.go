package dev

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/devroute"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// restoreTimeout bounds putting the route back once the session's context is gone.
const restoreTimeout = 2 * time.Minute

// restoreRun is `dialin dev --restore`: end the session a crash left, from its journal.
func restoreRun(ctx context.Context, o *Options) error {
	s, err := o.session(ctx)
	if err != nil {
		return err
	}
	release, err := s.Lock()
	if err != nil {
		var busy *devroute.BusyError
		if errors.As(err, &busy) {
			return fmt.Errorf("a `dialin dev` session on %s is running; stop it (Ctrl-C) and it puts the route back itself", o.Number)
		}
		return err
	}
	defer release()
	j, err := devroute.LoadJournal(s.JournalPath())
	if errors.Is(err, devroute.ErrNoJournal) {
		o.IO.Infof("No dev session to restore on %s: its route is as dev found it or was put back.", o.Number)
		return nil
	}
	if err != nil {
		return err
	}
	o.describeJournal(j)
	if err := cmdutil.Confirm(o.IO, o.Yes, fmt.Sprintf("Put back %s's route as it was before that session?", o.Number)); err != nil {
		return err
	}
	res, err := s.Restore(ctx)
	if err != nil {
		return o.restoreFailed(err)
	}
	return o.reportRestore(res)
}

// restoreLeftover restores a session a crash left before a new one starts.
func (o *Options) restoreLeftover(ctx context.Context, s *devroute.Session) error {
	j, err := devroute.LoadJournal(s.JournalPath())
	if errors.Is(err, devroute.ErrNoJournal) {
		return nil
	}
	if err != nil {
		return err
	}
	o.IO.Infof("A dev session on %s did not end cleanly; restoring its route first.", o.Number)
	o.describeJournal(j)
	res, err := s.Restore(ctx)
	if err != nil {
		return o.restoreFailed(err)
	}
	if err := o.reportRestore(res); err != nil {
		return err
	}
	return nil
}

// restoreAtExit puts the route back as the session ends, whatever ended it; ctx may be gone
// (Ctrl-C), so the restore has its own deadline. The error says the route was not put back.
func (o *Options) restoreAtExit(s *devroute.Session, why string) error {
	o.IO.Infof("Ending the dev session (%s): putting %s's route back", why, o.Number)
	defer o.holdInterrupts()()
	ctx, cancel := context.WithTimeout(context.Background(), restoreTimeout)
	defer cancel()
	res, err := s.Restore(ctx)
	if err != nil {
		return o.restoreFailed(err)
	}
	return o.reportRestore(res)
}

// holdInterrupts keeps SIGINT and SIGTERM from killing dev while it puts the route back
// (dialin's main restores their default action after the first one); it says what is going
// on instead. The returned function lets them through again.
func (o *Options) holdInterrupts() func() {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				o.IO.Infof("Still putting %s's route back; if dialin is killed now, the journal keeps it for `dialin dev --restore --number %s`", o.Number, o.Number)
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

func (o *Options) restoreFailed(err error) error {
	return fmt.Errorf("%w\nThe route was not put back; the journal is kept: run `dialin dev --restore --number %s`", err, o.Number)
}

// reportRestore says what the restore did; an entry changed meanwhile is an error, with
// both entries shown (secrets masked).
func (o *Options) reportRestore(res *devroute.RestoreResult) error {
	cs := output.NewErrColorScheme(o.IO)
	switch res.Outcome {
	case devroute.Restored:
		fmt.Fprintf(o.IO.ErrOut, "%s Put back %s's route: %s (as it was, byte for byte)\n", cs.SuccessIcon(), o.Number, res.Previous.RoomCreationAPI)
	case devroute.Removed:
		fmt.Fprintf(o.IO.ErrOut, "%s Removed the session's route of %s (it had none before)\n", cs.SuccessIcon(), o.Number)
	case devroute.AlreadyRestored:
		fmt.Fprintf(o.IO.ErrOut, "%s %s's route is already as it was before the session\n", cs.SuccessIcon(), o.Number)
	case devroute.ChangedMeanwhile:
		fmt.Fprintf(o.IO.ErrOut, "%s %s's route was changed by someone else during the session; left as it is.\n  now:    %s\n  before: %s\n",
			cs.WarningIcon(), o.Number, showEntry(res.Live), showEntry(res.Previous))
		return fmt.Errorf("%s's route not restored: it was changed during the session (both entries above; `dialin routes restore --list` shows the backups)", o.Number)
	}
	return nil
}

// describeJournal says which session a journal is from.
func (o *Options) describeJournal(j *devroute.Journal) {
	prev, _ := j.PreviousEntry()
	o.IO.Infof("  session: pid %d, started %s, pointed %s at %s", j.PID, j.Started.Format(time.RFC3339), j.Number, j.URL)
	o.IO.Infof("  before:  %s", showEntry(prev))
}

// showSwap shows the live entry and what the session does to it.
func (o *Options) showSwap(live *daily.PinlessDialinEntry, url string) {
	if live == nil {
		o.IO.Infof("%s has no route. For this session it gets one to %s (Daily generates its hmac); it is removed when dev ends.", o.Number, url)
		return
	}
	o.IO.Infof("%s's route now: %s", o.Number, showEntry(live))
	o.IO.Infof("For this session: room_creation_api → %s; the hmac and every other field stay; put back byte for byte when dev ends.", url)
}

// showEntry is an entry as one line of JSON, its hmac masked; "(none)" for nil.
func showEntry(e *daily.PinlessDialinEntry) string {
	if e == nil {
		return "(none)"
	}
	b, err := e.MarshalJSON()
	if err != nil {
		return e.RoomCreationAPI
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return e.RoomCreationAPI
	}
	if _, ok := m["hmac"]; ok {
		m["hmac"], _ = json.Marshal(routes.SensitiveSet)
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // URLs keep their & as typed
	_ = enc.Encode(m)
	return strings.TrimSpace(buf.String())
}
