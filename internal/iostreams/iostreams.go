// Package iostreams is dialin's view of the terminal: the three standard streams, whether
// each one is a terminal, whether colour is wanted, quiet mode, prompts and the progress
// spinner. Commands never touch os.Stdin/os.Stdout/os.Stderr directly; they use an
// *IOStreams from the factory, so tests can swap in buffers with Test() and pretend to be
// a terminal with SetStdoutTTY(true).
//
// Conventions (`dialin help formatting` tells users): stdout is data, stderr is everything
// else; colour only on a terminal and never when NO_COLOR is non-empty; spinners on stderr,
// terminal only.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// IOStreams holds the standard streams and what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool

	getenv        func(string) string
	colorOverride *bool
	quiet         bool
	interrupt     <-chan struct{}
}

// System returns the process's real streams. A stream is a terminal when x/term says so, or
// when DIALIN_FORCE_TTY names it: "1"/"true" forces stdout, or a comma-separated list of
// stdin, stdout, stderr (e.g. "stdin,stdout" to exercise prompts from a script).
func System() *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		getenv:    os.Getenv,
	}
	s.forceTTY(os.Getenv("DIALIN_FORCE_TTY"))
	return s
}

// Test returns streams backed by buffers: nothing is a terminal, colour is off and the
// environment is empty. Use the setters to play a terminal.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	off := false
	s = &IOStreams{
		In: in, Out: out, ErrOut: errOut,
		getenv:        func(string) string { return "" },
		colorOverride: &off,
	}
	return s, in, out, errOut
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// forceTTY applies DIALIN_FORCE_TTY.
func (s *IOStreams) forceTTY(v string) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no":
		return
	case "1", "true", "yes":
		s.stdoutTTY = true
		return
	}
	for _, name := range strings.Split(v, ",") {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "stdin":
			s.stdinTTY = true
		case "stdout":
			s.stdoutTTY = true
		case "stderr":
			s.stderrTTY = true
		}
	}
}

// IsStdinTTY reports whether stdin is (or is treated as) a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether stdout is (or is treated as) a terminal: tables instead of TSV.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is (or is treated as) a terminal: spinners allowed.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY makes stdin count as a terminal (or not).
func (s *IOStreams) SetStdinTTY(v bool) { s.stdinTTY = v }

// SetStdoutTTY makes stdout count as a terminal (or not).
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetStderrTTY makes stderr count as a terminal (or not).
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// CanPrompt reports whether the user can be asked a question: stdin and stdout are terminals.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stdoutTTY }

// SetQuiet turns quiet mode on: Infof and the spinner print nothing. Errors still print.
func (s *IOStreams) SetQuiet(v bool) { s.quiet = v }

// IsQuiet reports whether quiet mode is on (-q/--quiet).
func (s *IOStreams) IsQuiet() bool { return s.quiet }

// SetInterrupt gives the streams a channel closed on Ctrl-C; a prompt waiting for input then
// returns context.Canceled instead of blocking. cli.Main wires it to the signal context.
func (s *IOStreams) SetInterrupt(done <-chan struct{}) { s.interrupt = done }

// Infof prints an informational line to stderr unless quiet. A newline is added when the
// format has none.
func (s *IOStreams) Infof(format string, args ...any) {
	if s.quiet {
		return
	}
	if !strings.HasSuffix(format, "\n") {
		format += "\n"
	}
	fprintf(s.ErrOut, format, args...)
}
