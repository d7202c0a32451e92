package admin

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// replayTimeout bounds a replayed webhook's answer (serve answers at once; a slow target
// must not hold the admin request).
const replayTimeout = 30 * time.Second

// ReplayRequest is the body of POST /api/calls/{id}/replay (all optional).
type ReplayRequest struct {
	// To is the webhook URL to send to (default: this serve's /dialin).
	To string `json:"to,omitempty"`
	// SameID keeps the recorded callId: serve should answer it as a repeat, not a new call.
	SameID bool `json:"sameId,omitempty"`
}

// ReplayResult is the answer: where the webhook went, with which callId, and what the
// target answered.
type ReplayResult struct {
	CallID string `json:"callId"`
	To     string `json:"to"`
	Status int    `json:"status"`
	Answer string `json:"answer"`
}

// replay re-sends a recorded webhook body, signed afresh with the route secret that
// verified it (the secret stays in serve), with a new callId unless sameId.
func (a *api) replay(w http.ResponseWriter, r *http.Request) {
	store := a.history(w)
	if store == nil {
		return
	}
	var req ReplayRequest
	if b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10)); len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, &req); err != nil {
			writeError(w, http.StatusBadRequest, "body: a JSON object with to and sameId: "+err.Error())
			return
		}
	}
	c, ok, err := store.Get(r.Context(), r.PathValue("id"))
	if err != nil || !ok || c.Body == "" {
		writeError(w, http.StatusNotFound, "no recorded webhook for call "+fmt.Sprintf("%q", r.PathValue("id")))
		return
	}
	to := req.To
	if to == "" {
		to = a.o.WebhookURL
	}
	if u, err := url.Parse(to); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		writeError(w, http.StatusBadRequest, "to: an http(s) URL")
		return
	}
	body := []byte(c.Body)
	callID := c.CallID
	if !req.SameID {
		callID = newCallID()
		if body, err = withCallID(body, callID); err != nil {
			writeError(w, http.StatusUnprocessableEntity, "the recorded body is not a JSON object: "+err.Error())
			return
		}
	}
	h, err := a.o.Server.SignWebhook(c.Route, body, time.Now())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "signing the replay: "+err.Error())
		return
	}
	out, err := http.NewRequestWithContext(r.Context(), http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		writeError(w, http.StatusBadRequest, "to: "+err.Error())
		return
	}
	out.Header = h
	out.Header.Set("Content-Type", "application/json")
	resp, err := a.o.Client.Do(out)
	if err != nil {
		writeError(w, http.StatusBadGateway, "sending the replay: "+err.Error())
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	writeJSON(w, http.StatusOK, ReplayResult{CallID: callID, To: to, Status: resp.StatusCode, Answer: string(bytes.TrimSpace(answer))})
}

// withCallID replaces the body's callId, keeping every other field as it came.
func withCallID(body []byte, id string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	m["callId"], _ = json.Marshal(id)
	return json.Marshal(m)
}

// newCallID is a random UUID, as Daily's callIds are.
func newCallID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
