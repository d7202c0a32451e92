package admin

import (
	"embed"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"strconv"

	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

//go:embed static
var embedded embed.FS

// staticFS serves /static/: the page's script and style, embedded (no build step, no
// external assets: the page works offline).
var staticFS fs.FS = embedded

var pageTmpl = template.Must(template.ParseFS(embedded, "static/page.html"))

// callView is a call as the page draws it; static/page.js draws live updates the same way.
type callView struct {
	history.Call
	Short, Hold, Longest string
	Bars                 []barView
}

// barView is one step of the waterfall: it starts where the step before ended and spans
// the time it took, in percent of the scale (the hold time).
type barView struct {
	Kind, Since, Detail string
	Left, Width         float64
	Failed              bool
}

func viewOf(c history.Call) callView {
	v := callView{Call: c, Short: c.CallID, Hold: fmtMs(c.HoldMs)}
	if len(v.Short) > 8 {
		v.Short = v.Short[:8]
	}
	if s, d := c.Longest(); d > 0 {
		v.Longest = s.Kind + " (" + fmtMs(d) + ")"
	}
	scale := c.HoldMs
	if n := len(c.Steps); n > 0 && c.Outcome == history.InProgress {
		scale = max(scale, c.Steps[n-1].SinceMs)
	}
	pct := func(ms float64) float64 {
		if scale <= 0 {
			return 0
		}
		return math.Round(1000*min(ms, scale)/scale) / 10
	}
	prev := 0.0
	for _, s := range c.Steps {
		b := barView{Kind: s.Kind, Since: "+" + fmtMs(s.SinceMs), Detail: s.Detail, Left: pct(prev), Failed: s.Kind == history.Failed || s.Kind == history.Refused}
		b.Width = max(pct(s.SinceMs)-b.Left, 0.5)
		if s.SinceMs > prev {
			prev = s.SinceMs
		}
		v.Bars = append(v.Bars, b)
	}
	return v
}

// fmtMs prints milliseconds as "850 ms" or "1.2 s".
func fmtMs(ms float64) string {
	if ms >= 1000 {
		return strconv.FormatFloat(math.Round(ms/100)/10, 'f', -1, 64) + " s"
	}
	return strconv.FormatFloat(math.Round(ms), 'f', -1, 64) + " ms"
}

func (a *api) page(w http.ResponseWriter, r *http.Request) {
	data := struct {
		Off   bool
		Calls []callView
	}{Off: a.o.Recorder == nil}
	if !data.Off {
		calls, err := a.o.Recorder.Store().List(r.Context(), history.Filter{Limit: 200})
		if err != nil {
			http.Error(w, "reading the call history: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		for _, c := range calls {
			data.Calls = append(data.Calls, viewOf(c))
		}
	}
	htmlHeaders(w)
	_ = pageTmpl.Execute(w, data)
}

// fragment renders one call's row, as the page shows it: the script fetches it on each
// live event, so the page is drawn by one template only.
func (a *api) fragment(w http.ResponseWriter, r *http.Request) {
	store := a.history(w)
	if store == nil {
		return
	}
	c, ok, err := store.Get(r.Context(), r.PathValue("id"))
	if err != nil || !ok {
		http.NotFound(w, r)
		return
	}
	htmlHeaders(w)
	_ = pageTmpl.ExecuteTemplate(w, "call", viewOf(c))
}

func htmlHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
}
