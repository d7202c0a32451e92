package servecmd

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// redacted replaces a secret in logs.
const redacted = "[redacted]"

// secretKeys are attribute names whose values are never logged, whatever they hold.
var secretKeys = map[string]bool{
	"token": true, "api_key": true, "apikey": true, "hmac": true, "secret": true,
	"password": true, "authorization": true, "meeting_token": true,
}

// newLogger returns serve's logger on w, as JSON or text. Every occurrence of a known
// secret (the API key, static webhook secrets) is replaced in messages and values, and
// attributes named like secrets are dropped to [redacted]: the engine logs none, this is the
// second line of defence. With human set (text on a terminal), the event lines already show
// each call's steps, so only the other warnings and errors, and the bots' own output, are
// logged. When
// verification is off, every record says so.
func newLogger(w io.Writer, format string, human bool, secrets []string, insecure bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	var h slog.Handler
	if format == LogJSON {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	var keep []string
	for _, s := range secrets {
		if s != "" {
			keep = append(keep, s)
		}
	}
	l := slog.New(&redactHandler{next: h, secrets: keep, human: human})
	if insecure {
		l = l.With("insecure_skip_verify", true)
	}
	return l
}

type redactHandler struct {
	next    slog.Handler
	secrets []string
	human   bool
}

func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// shownAsEvents are the engine's warnings that an event line already shows, word for word.
var shownAsEvents = map[string]bool{"webhook rejected": true, "call refused": true, "call failed": true}

func (h *redactHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.human && (r.Level < slog.LevelWarn && r.Message != "bot output" || shownAsEvents[r.Message]) {
		return nil
	}
	out := slog.NewRecord(r.Time, r.Level, h.text(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(clean), secrets: h.secrets, human: h.human}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(name), secrets: h.secrets, human: h.human}
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	if secretKeys[strings.ToLower(a.Key)] {
		return slog.String(a.Key, redacted)
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.text(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = h.attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, h.text(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, h.text(x.String()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (h *redactHandler) text(s string) string {
	for _, secret := range h.secrets {
		s = strings.ReplaceAll(s, secret, redacted)
	}
	return s
}
