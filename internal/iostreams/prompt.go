package iostreams

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// maxLine bounds a line read from stdin: a key or an answer, never a file.
const maxLine = 64 << 10

// Prompt writes question to stderr and reads one line from stdin, without the line ending.
// It returns io.EOF when stdin ends before any input, and context.Canceled on Ctrl-C.
func (s *IOStreams) Prompt(question string) (string, error) {
	fprintf(s.ErrOut, "%s", question)
	return s.await(func() (string, error) { return readLine(s.In) })
}

// ReadSecret writes prompt to stderr and reads one line from stdin. When stdin is a real
// terminal, echo is turned off while typing (and restored even on Ctrl-C); otherwise (a pipe,
// a forced TTY) the line is read as is. The secret is never written anywhere.
func (s *IOStreams) ReadSecret(prompt string) (string, error) {
	fprintf(s.ErrOut, "%s", prompt)
	defer fprintf(s.ErrOut, "\n") // end the prompt line: the typed Enter was not echoed
	f, ok := s.In.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return s.await(func() (string, error) { return readLine(s.In) })
	}
	fd := int(f.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	secret, err := s.await(func() (string, error) {
		b, err := term.ReadPassword(fd)
		return string(b), err
	})
	if errors.Is(err, context.Canceled) {
		_ = term.Restore(fd, state)
	}
	return secret, err
}

// await runs read, returning early with context.Canceled when the interrupt channel closes.
// On interrupt the reading goroutine is abandoned: the process is about to exit.
func (s *IOStreams) await(read func() (string, error)) (string, error) {
	if s.interrupt == nil {
		return read()
	}
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := read()
		ch <- result{line, err}
	}()
	select {
	case r := <-ch:
		return r.line, r.err
	case <-s.interrupt:
		return "", context.Canceled
	}
}

// readLine reads up to a newline one byte at a time, so nothing after the line is consumed.
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for b.Len() < maxLine {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return strings.TrimSuffix(b.String(), "\r"), nil
			}
			b.WriteByte(buf[0])
		}
		if err == io.EOF {
			if b.Len() == 0 {
				return "", io.EOF
			}
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", errors.New("input line too long")
}
