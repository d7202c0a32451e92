package launch

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
)

// warmOutput logs what a warm bot writes, one record per line like lineLogger, and passes
// the protocol lines (WarmWaitingLine, WarmAcceptedLine) on stdout to onMarker instead. The
// call's id and token are known only once the bot is handed its call.
type warmOutput struct {
	log      *slog.Logger
	rule     string
	stream   string
	onMarker func(string)

	mu      sync.Mutex
	pid     int
	callID  string
	secrets []string
	buf     []byte
	over    bool
}

func newWarmOutput(log *slog.Logger, rule, stream, apiKey string, onMarker func(string)) *warmOutput {
	o := &warmOutput{log: log, rule: rule, stream: stream, onMarker: onMarker}
	if apiKey != "" {
		o.secrets = []string{apiKey}
	}
	return o
}

func (o *warmOutput) setPID(pid int) {
	o.mu.Lock()
	o.pid = pid
	o.mu.Unlock()
}

func (o *warmOutput) setCall(callID, token string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.callID = callID
	if token != "" {
		o.secrets = append(o.secrets, token)
	}
}

func (o *warmOutput) handed() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.callID != ""
}

func (o *warmOutput) Write(p []byte) (int, error) {
	n := len(p)
	var markers []string
	o.mu.Lock()
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			o.add(p)
			break
		}
		o.add(p[:i])
		if m := o.flush(); m != "" {
			markers = append(markers, m)
		}
		p = p[i+1:]
	}
	o.mu.Unlock()
	for _, m := range markers { // outside the lock: the marker handler reads handed()
		o.onMarker(m)
	}
	return n, nil
}

// Close logs a last line that did not end in a newline.
func (o *warmOutput) Close() {
	o.mu.Lock()
	var m string
	if len(o.buf) > 0 || o.over {
		m = o.flush()
	}
	o.mu.Unlock()
	if m != "" {
		o.onMarker(m)
	}
}

func (o *warmOutput) add(p []byte) {
	if room := maxLine - len(o.buf); len(p) > room {
		p, o.over = p[:room], true
	}
	o.buf = append(o.buf, p...)
}

// flush ends the current line: a protocol line is returned, anything else logged.
func (o *warmOutput) flush() string {
	line := strings.TrimRight(string(o.buf), "\r")
	over := o.over
	o.buf, o.over = o.buf[:0], false
	if o.onMarker != nil && !over {
		if t := strings.TrimSpace(line); t == WarmWaitingLine || t == WarmAcceptedLine {
			return t
		}
	}
	for _, s := range o.secrets {
		line = strings.ReplaceAll(line, s, "[redacted]")
	}
	if over {
		line += " [line cut]"
	}
	o.log.Info("bot output", "call_id", o.callID, "rule", o.rule, "pid", o.pid, "warm", true, "stream", o.stream, "line", line)
	return ""
}
