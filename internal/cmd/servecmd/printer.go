package servecmd

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/dialin-project/dialin/internal/cmd/servecmd/escape"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// maxShown bounds how much of a caller's value an event line shows.
const maxShown = 64

// NewEventPrinter returns a Sink that writes one line per call event for people:
//
//	14:03:07.412  3f2a1b2c  received      default   +0ms     from "+15550001111" to "+14155550100"
//	14:03:07.415  3f2a1b2c  bot_started   default   +3ms     pid 4121
//	14:03:08.630  3f2a1b2c  connected     default   +1218ms  room 9d0c…
//
// Caller values (From, To, reasons that quote them) are escaped like Go's %q and cut, so a
// From of "\x1b[2J" or "a\nb" cannot rewrite the terminal or fake a line.
func NewEventPrinter(w io.Writer, cs *output.ColorScheme) serve.Sink {
	p := &printer{w: w, cs: cs}
	return serve.SinkFunc(p.emit)
}

type printer struct {
	mu sync.Mutex
	w  io.Writer
	cs *output.ColorScheme
}

func (p *printer) emit(e serve.Event) {
	line := FormatEvent(e, p.cs)
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = io.WriteString(p.w, line+"\n")
}

// FormatEvent renders one event as one line (no newline), colour from cs (nil: none).
func FormatEvent(e serve.Event, cs *output.ColorScheme) string {
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	id := "-"
	if e.CallID != "" {
		id = escape.Printable(e.CallID, 8)
		if len(e.CallID) > 8 {
			id = escape.Printable(e.CallID[:8], 8)
		}
	}
	kind := fmt.Sprintf("%-12s", string(e.Kind))
	if cs != nil {
		switch e.Kind {
		case serve.EventRejected, serve.EventRefused, serve.EventFailed:
			kind = cs.Red(kind)
		case serve.EventConnected:
			kind = cs.Green(kind)
		case serve.EventQueued, serve.EventDuplicate:
			kind = cs.Yellow(kind)
		}
	}
	rule := e.Rule
	if rule == "" {
		rule = "-"
	}
	since := "-"
	if e.CallID != "" {
		since = fmt.Sprintf("+%dms", e.Since.Milliseconds())
	}
	line := fmt.Sprintf("%s  %-8s  %s  %-8s  %-7s", at.Format("15:04:05.000"), id, kind, escape.Printable(rule, 32), since)
	if d := details(e); d != "" {
		line += "  " + d
	}
	return strings.TrimRight(line, " ")
}

// details are the fields that matter for the event's kind.
func details(e serve.Event) string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	switch e.Kind {
	case serve.EventReceived:
		// Why the rule matched is in the JSON log; on a terminal the line stays short.
		add("from %s to %s", escape.Quote(e.From, maxShown), escape.Quote(e.To, maxShown))
		return strings.Join(parts, " ")
	case serve.EventQueued:
		add("position %d", e.Position)
	case serve.EventRoomCreated, serve.EventConnected:
		if e.Room != "" {
			add("room %s", escape.Printable(e.Room, maxShown))
		}
	case serve.EventBotStarted:
		if e.PID > 0 {
			add("pid %d", e.PID)
		} else {
			add("bot runner")
		}
	case serve.EventReady, serve.EventPatched:
		add("%s", escape.Printable(e.SIPURI, 2*maxShown))
	case serve.EventBotExited:
		add("exit %d", e.ExitCode)
		if e.Reason == fmt.Sprintf("exit status %d", e.ExitCode) {
			return strings.Join(parts, " ") // says nothing more
		}
	}
	if e.Reason != "" {
		add("%s", escape.Printable(e.Reason, 3*maxShown))
	}
	return strings.Join(parts, " ")
}
