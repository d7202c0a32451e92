package admin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

type api struct{ o Options }

// CallList is the answer of GET /api/calls.
type CallList struct {
	Calls []history.Call `json:"calls"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// history answers 404 when the history is off, and says so.
func (a *api) history(w http.ResponseWriter) history.Store {
	if a.o.Recorder == nil {
		writeError(w, http.StatusNotFound, "call history is off (serve runs with --call-history 0)")
		return nil
	}
	return a.o.Recorder.Store()
}

// ParseFilter reads ?outcome=&number=&since=&limit=; since is RFC 3339 or a duration ago.
func ParseFilter(q map[string][]string, now time.Time) (history.Filter, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	f := history.Filter{Outcome: get("outcome"), Number: get("number")}
	if f.Outcome != "" && !slices.Contains(history.Outcomes, f.Outcome) {
		return f, fmt.Errorf("outcome: one of %s", strings.Join(history.Outcomes, ", "))
	}
	if s := get("since"); s != "" {
		if d, err := time.ParseDuration(s); err == nil && d >= 0 {
			f.Since = now.Add(-d)
		} else if t, err := time.Parse(time.RFC3339, s); err == nil {
			f.Since = t
		} else {
			return f, fmt.Errorf("since: a duration such as 15m, or an RFC 3339 time")
		}
	}
	if s := get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return f, fmt.Errorf("limit: a whole number, 0 or more")
		}
		f.Limit = n
	}
	return f, nil
}

func (a *api) list(w http.ResponseWriter, r *http.Request) {
	store := a.history(w)
	if store == nil {
		return
	}
	f, err := ParseFilter(r.URL.Query(), time.Now())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	calls, err := store.List(r.Context(), f)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "reading the call history: "+err.Error())
		return
	}
	for i := range calls {
		calls[i].Body = "" // one call's body at a time: GET /api/calls/{id}
	}
	if calls == nil {
		calls = []history.Call{}
	}
	writeJSON(w, http.StatusOK, CallList{Calls: calls})
}

func (a *api) get(w http.ResponseWriter, r *http.Request) {
	store := a.history(w)
	if store == nil {
		return
	}
	c, ok, err := store.Get(r.Context(), r.PathValue("id"))
	switch {
	case err != nil:
		writeError(w, http.StatusServiceUnavailable, "reading the call history: "+err.Error())
	case !ok:
		writeError(w, http.StatusNotFound, "no call "+strconv.Quote(r.PathValue("id"))+" in the history (it keeps the last calls for a while: see --call-history)")
	default:
		writeJSON(w, http.StatusOK, c)
	}
}

// events streams each recorded step as a server-sent event "call" whose data is a
// history.Update, until the client goes away. With ?since=DURATION it first sends the steps
// of the calls received in that time, oldest first, then follows without repeating one: a
// client that connects just after a call began misses none of its steps.
func (a *api) events(w http.ResponseWriter, r *http.Request) {
	store := a.history(w)
	if store == nil {
		return
	}
	since := time.Duration(-1)
	if s := r.URL.Query().Get("since"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			writeError(w, http.StatusBadRequest, "since: a duration such as 5m")
			return
		}
		since = d
	}
	updates, cancel := a.o.Recorder.Subscribe() // before reading the backlog: nothing falls between
	defer cancel()
	var backlog []history.Call
	if since >= 0 {
		var err error
		if backlog, err = store.List(r.Context(), history.Filter{Since: time.Now().Add(-since)}); err != nil {
			writeError(w, http.StatusServiceUnavailable, "reading the call history: "+err.Error())
			return
		}
	}
	a.stream(w, r, updates, backlog)
}

func (a *api) stream(w http.ResponseWriter, r *http.Request, updates <-chan history.Update, backlog []history.Call) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	// The admin server's write timeout would cut a long stream: lift it for this one.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprint(w, ": dialin call events\n\n")
	send := func(u history.Update) {
		b, _ := json.Marshal(u)
		_, _ = fmt.Fprintf(w, "event: call\ndata: %s\n\n", b)
	}
	sent := map[string]int{} // steps of each backlog call already sent
	for i := len(backlog) - 1; i >= 0; i-- {
		c := backlog[i]
		c.Body = ""
		for n, s := range c.Steps {
			send(history.Update{Call: c, Step: s, Index: n})
		}
		sent[c.CallID] = len(c.Steps)
	}
	fl.Flush()
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-a.o.Done:
			return
		case <-keepalive.C:
			_, _ = fmt.Fprint(w, ": keepalive\n\n")
		case u := <-updates:
			if u.Index < sent[u.Call.CallID] {
				continue
			}
			send(u)
		}
		fl.Flush()
	}
}
