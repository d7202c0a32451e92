package serve

import (
	"encoding/json"
	"net/http"
)

// reply is the JSON body of every answer serve gives on the webhook and events paths.
type reply struct {
	Status string `json:"status"` // accepted, refused, duplicate, test, rejected, unavailable, ok
	CallID string `json:"call_id,omitempty"`
	Rule   string `json:"rule,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func (r reply) bytes() []byte {
	b, _ := json.Marshal(r) // strings only
	return append(b, '\n')
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeReply(w http.ResponseWriter, status int, r reply) {
	writeBody(w, status, r.bytes())
}
