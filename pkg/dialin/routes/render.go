package routes

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ANSI colours of the diff; the caller decides whether colour is wanted (TTY, NO_COLOR).
const (
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
	ansiDim    = "\x1b[2m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

// RenderPlan writes p for people: one block per change ("+" add, "~" update with
// old → new per field, "-" remove), a comment line per kept entry, and the summary line
// "Plan: X to add, Y to change, Z to remove." (or "No changes. …"). Secrets are never shown.
func RenderPlan(w io.Writer, p *PlanResult, color bool) error {
	r := &renderer{w: w, color: color}
	if p.HasChanges() {
		r.line("", "dialin will perform the following actions:")
		r.line("", "")
	}
	for _, c := range p.Changes {
		if c.Changed() {
			r.change(c)
			r.line("", "")
		}
	}
	kept := false
	for _, c := range p.Changes {
		if c.Action == ActionKeep {
			r.line(ansiDim, fmt.Sprintf("  # route %s: %s", c.Key, c.Reason))
			kept = true
		}
	}
	if kept {
		r.line("", "")
	}
	if !p.HasChanges() {
		r.line(ansiBold, "No changes. The routes match the file.")
	} else {
		s := p.Summary
		r.line(ansiBold, fmt.Sprintf("Plan: %d to add, %d to change, %d to remove.", s.Add, s.Change, s.Remove))
	}
	return r.err
}

// RenderChange writes one change (of Upsert or Remove) in the plan's notation, or a line
// saying that nothing changes.
func RenderChange(w io.Writer, c Change, color bool) error {
	r := &renderer{w: w, color: color}
	if !c.Changed() {
		r.line("", fmt.Sprintf("route %s: no changes", c.Key))
	} else {
		r.change(c)
	}
	return r.err
}

type renderer struct {
	w     io.Writer
	color bool
	err   error
}

func (r *renderer) line(style, s string) {
	if r.err != nil {
		return
	}
	if r.color && style != "" && s != "" {
		s = style + s + ansiReset
	}
	_, r.err = fmt.Fprintln(r.w, s)
}

func symbolStyle(action Action) (string, string) {
	switch action {
	case ActionAdd:
		return "+", ansiGreen
	case ActionRemove:
		return "-", ansiRed
	default:
		return "~", ansiYellow
	}
}

func (r *renderer) change(c Change) {
	sym, style := symbolStyle(c.Action)
	r.line(style, fmt.Sprintf("  %s route %s", sym, c.Key))
	width := 0
	for _, f := range c.Fields {
		width = max(width, len(f.Field))
	}
	for _, f := range c.Fields {
		var fs, fstyle, val string
		switch {
		case f.Old == "":
			fs, fstyle, val = "+", ansiGreen, quoted(f.New, f.Sensitive)
		case f.New == "":
			fs, fstyle, val = "-", ansiRed, quoted(f.Old, f.Sensitive)
		case f.Sensitive:
			fs, fstyle, val = "~", ansiYellow, f.New
		default:
			fs, fstyle, val = "~", ansiYellow, quoted(f.Old, false)+" → "+quoted(f.New, false)
		}
		r.line(fstyle, fmt.Sprintf("      %s %s = %s", fs, pad(f.Field, width), val))
	}
}

func quoted(v string, sensitive bool) string {
	if sensitive {
		return v
	}
	return strconv.Quote(v)
}

func pad(s string, n int) string {
	return s + strings.Repeat(" ", n-len(s))
}
