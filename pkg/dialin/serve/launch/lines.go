package launch

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
)

// maxLine bounds one logged line of bot output; longer lines are cut and marked.
const maxLine = 4096

// lineLogger is an io.Writer that logs what a bot writes, one record per line, with the
// call's id, and with the call's meeting token and the API key replaced if a bot prints them.
type lineLogger struct {
	log     *slog.Logger
	callID  string
	stream  string
	secrets []string
	limit   int // bytes kept per line: maxLine plus room to redact a secret cut at the edge

	mu   sync.Mutex
	buf  []byte
	over bool // the current line is longer than limit; the rest of it is dropped
}

func newLineLogger(log *slog.Logger, callID, stream string, secrets []string) *lineLogger {
	l := &lineLogger{log: log, callID: callID, stream: stream, limit: maxLine}
	for _, s := range secrets {
		if s != "" {
			l.secrets = append(l.secrets, s)
			l.limit = max(l.limit, maxLine+len(s))
		}
	}
	return l
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.add(p)
			break
		}
		l.add(p[:i])
		l.flush()
		p = p[i+1:]
	}
	return n, nil
}

// Close logs a last line that did not end in a newline.
func (l *lineLogger) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 || l.over {
		l.flush()
	}
}

func (l *lineLogger) add(p []byte) {
	if room := l.limit - len(l.buf); len(p) > room {
		p, l.over = p[:room], true
	}
	l.buf = append(l.buf, p...)
}

func (l *lineLogger) flush() {
	line := strings.TrimRight(string(l.buf), "\r")
	for _, s := range l.secrets {
		line = strings.ReplaceAll(line, s, "[redacted]")
	}
	if len(line) > maxLine || l.over {
		line = line[:min(len(line), maxLine)] + " [line cut]"
	}
	l.buf, l.over = l.buf[:0], false
	l.log.Info("bot output", "call_id", l.callID, "stream", l.stream, "line", line)
}
