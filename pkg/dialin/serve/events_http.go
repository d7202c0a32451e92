package serve

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// serveEvents receives Daily's /webhooks deliveries. It keeps working during Shutdown: calls
// already handed to bots still need their dialin.ready (patch: serve) and dialin.stopped.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeReply(w, http.StatusMethodNotAllowed, reply{Status: "rejected", Reason: "use POST"})
		return
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	_, verr := s.verify(r.Context(), s.events, r.Header, body)
	if verr != nil {
		if isEventTest(body) {
			// Daily tests the URL while creating the webhook, before serve can know its
			// new hmac; the test body starts nothing.
			writeReply(w, http.StatusOK, reply{Status: "test"})
			return
		}
		s.reject(w, http.StatusUnauthorized, "event_"+rejectReason(verr), verr.Error())
		return
	}
	ev, err := webhook.DecodeEvent(body)
	if err != nil {
		if isEventTest(body) {
			writeReply(w, http.StatusOK, reply{Status: "test"})
			return
		}
		s.reject(w, http.StatusBadRequest, "event_bad_body", err.Error())
		return
	}
	switch ev.Type {
	case "dialin.ready":
		var p webhook.DialinReady
		if err = json.Unmarshal(ev.Payload, &p); err == nil {
			s.onReady(p)
		}
	case "dialin.connected", "dialin.stopped":
		var p webhook.DialinSession
		if err = json.Unmarshal(ev.Payload, &p); err == nil {
			if ev.Type == "dialin.connected" {
				s.onConnected(p)
			} else {
				s.onStopped(p)
			}
		}
	}
	if err != nil {
		s.reject(w, http.StatusBadRequest, "event_bad_body", "payload of "+ev.Type+": "+err.Error())
		return
	}
	writeReply(w, http.StatusOK, reply{Status: "ok"})
}

// isEventTest recognises the test body Daily posts when a webhook is created: an object
// without a "type", such as {"test":"test"}.
func isEventTest(body []byte) bool {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if dec.Decode(&m) != nil || dec.More() || m == nil {
		return false
	}
	_, typed := m["type"]
	return !typed
}
