package iostreams

import (
	"fmt"
	"io"
	"sync"
	"time"
)

var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// spinnerInterval is a variable so tests can stop the animation.
var spinnerInterval = 100 * time.Millisecond

// clearLine returns the cursor to column 0 and erases the line.
const clearLine = "\r\x1b[K"

// WithProgress runs fn while a spinner labelled label turns on stderr. The spinner draws only
// when stderr is a terminal and quiet mode is off; otherwise fn just runs. Whatever fn writes
// to ErrOut meanwhile erases the spinner line first, so messages are never garbled. Nested
// calls run fn under the outer spinner.
func (s *IOStreams) WithProgress(label string, fn func() error) error {
	if !s.stderrTTY || s.quiet {
		return fn()
	}
	if _, nested := s.ErrOut.(*spinnerWriter); nested {
		return fn()
	}
	orig := s.ErrOut
	sw := &spinnerWriter{w: orig}
	s.ErrOut = sw
	done, stopped := make(chan struct{}), make(chan struct{})
	defer func() {
		close(done)
		<-stopped
		sw.clear()
		s.ErrOut = orig
	}()
	sw.draw(label, 0)
	interval := spinnerInterval
	go func() {
		defer close(stopped)
		t := time.NewTicker(interval)
		defer t.Stop()
		for i := 1; ; i++ {
			select {
			case <-done:
				return
			case <-t.C:
				sw.draw(label, i)
			}
		}
	}()
	return fn()
}

// spinnerWriter serialises the spinner and other stderr writes.
type spinnerWriter struct {
	mu    sync.Mutex
	w     io.Writer
	drawn bool
}

func (sw *spinnerWriter) Write(p []byte) (int, error) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if sw.drawn {
		_, _ = io.WriteString(sw.w, clearLine)
		sw.drawn = false
	}
	return sw.w.Write(p)
}

func (sw *spinnerWriter) draw(label string, frame int) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	_, _ = fmt.Fprintf(sw.w, "%s%s %s", clearLine, spinnerFrames[frame%len(spinnerFrames)], label)
	sw.drawn = true
}

func (sw *spinnerWriter) clear() {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if sw.drawn {
		_, _ = io.WriteString(sw.w, clearLine)
		sw.drawn = false
	}
}

func fprintf(w io.Writer, format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }
