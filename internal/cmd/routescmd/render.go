package routescmd

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// Plans and changes are data (pkg/dialin/routes); these draw them for people, terraform
// style, in the shared colour scheme: green additions, yellow changes, red removals.

// renderPlan writes p for people: one block per change ("+" add, "~" update with
// old → new per field, "-" remove), a comment line per kept entry, and the summary line
// "Plan: X to add, Y to change, Z to remove." (or "No changes. …"). Secrets are never shown.
func renderPlan(w io.Writer, p *routes.PlanResult, cs *output.ColorScheme) error {
	r := &renderer{w: w, cs: cs}
	if p.HasChanges() {
		r.line(nil, "dialin will perform the following actions:")
		r.line(nil, "")
	}
	for _, c := range p.Changes {
		if c.Changed() {
			r.change(c)
			r.line(nil, "")
		}
	}
	kept := false
	for _, c := range p.Changes {
		if c.Action == routes.ActionKeep {
			r.line(dim, fmt.Sprintf("  # route %s: %s", c.Key, c.Reason))
			kept = true
		}
	}
	if kept {
		r.line(nil, "")
	}
	if !p.HasChanges() {
		r.line(bold, "No changes. The routes match the file.")
	} else {
		s := p.Summary
		r.line(bold, fmt.Sprintf("Plan: %d to add, %d to change, %d to remove.", s.Add, s.Change, s.Remove))
	}
	return r.err
}

// renderChange writes one change (of Upsert or Remove) in the plan's notation, or a line
// saying that nothing changes.
func renderChange(w io.Writer, c routes.Change, cs *output.ColorScheme) error {
	r := &renderer{w: w, cs: cs}
	if !c.Changed() {
		r.line(nil, fmt.Sprintf("route %s: no changes", c.Key))
	} else {
		r.change(c)
	}
	return r.err
}

type renderer struct {
	w   io.Writer
	cs  *output.ColorScheme
	err error
}

// style is one of the scheme's colours (nil: plain).
type style func(*output.ColorScheme, string) string

var (
	green  style = (*output.ColorScheme).Green
	yellow style = (*output.ColorScheme).Yellow
	red    style = (*output.ColorScheme).Red
	dim    style = (*output.ColorScheme).Gray
	bold   style = (*output.ColorScheme).Bold
)

func (r *renderer) line(st style, s string) {
	if r.err != nil {
		return
	}
	if st != nil {
		s = st(r.cs, s)
	}
	_, r.err = fmt.Fprintln(r.w, s)
}

func symbolStyle(action routes.Action) (string, style) {
	switch action {
	case routes.ActionAdd:
		return "+", green
	case routes.ActionRemove:
		return "-", red
	default:
		return "~", yellow
	}
}

func (r *renderer) change(c routes.Change) {
	sym, st := symbolStyle(c.Action)
	r.line(st, fmt.Sprintf("  %s route %s", sym, c.Key))
	width := 0
	for _, f := range c.Fields {
		width = max(width, len(f.Field))
	}
	for _, f := range c.Fields {
		var fs, val string
		var fstyle style
		switch {
		case f.Old == "":
			fs, fstyle, val = "+", green, quoted(f.New, f.Sensitive)
		case f.New == "":
			fs, fstyle, val = "-", red, quoted(f.Old, f.Sensitive)
		case f.Sensitive:
			fs, fstyle, val = "~", yellow, f.New
		default:
			fs, fstyle, val = "~", yellow, quoted(f.Old, false)+" → "+quoted(f.New, false)
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
