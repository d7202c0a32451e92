package dailytest

import (
	"slices"
	"strconv"
	"time"
)

// eventTimeout bounds one event POST; a slower answer counts as a failure, as on Daily.
const eventTimeout = 5 * time.Second

// pendingEvent is a /webhooks event waiting for delivery.
type pendingEvent struct {
	typ     string
	payload map[string]any
}

// webhookEnvelope is Daily's event envelope, in Daily's field order.
type webhookEnvelope struct {
	Version string         `json:"version"`
	Type    string         `json:"type"`
	ID      string         `json:"id"`
	Payload map[string]any `json:"payload"`
	EventTS float64        `json:"event_ts"`
}

// emitLocked queues an event for the domain's webhook. One worker delivers events in the
// order they happened, each once. Caller holds s.mu.
func (s *Server) emitLocked(typ string, payload map[string]any) {
	if s.closed || len(s.webhooks) == 0 {
		return
	}
	s.events = append(s.events, pendingEvent{typ: typ, payload: payload})
	if s.delivering {
		return
	}
	s.delivering = true
	s.bg.Add(1)
	go s.deliverEvents()
}

// deliverEvents is the delivery worker: it drains the queue, then exits.
func (s *Server) deliverEvents() {
	defer s.bg.Done()
	for {
		s.mu.Lock()
		if len(s.events) == 0 || s.bgCtx.Err() != nil {
			s.events, s.delivering = nil, false
			s.mu.Unlock()
			return
		}
		ev := s.events[0]
		s.events = s.events[1:]
		var w *webhook
		var hook webhook
		if len(s.webhooks) > 0 {
			w = s.webhooks[0]
			hook = *w
		}
		s.mu.Unlock()
		if w != nil {
			s.deliverEvent(w, hook, ev)
		}
	}
}

// deliverEvent POSTs one event to the webhook (a snapshot of it is hook) if the webhook
// subscribes to its type, and keeps the circuit breaker's count.
func (s *Server) deliverEvent(w *webhook, hook webhook, ev pendingEvent) {
	if len(hook.EventTypes) > 0 && !slices.Contains(hook.EventTypes, ev.typ) {
		return
	}
	d := Delivery{Kind: "webhook-event", URL: hook.URL, Event: ev.typ}
	if hook.State != "ACTIVE" {
		d.Skipped, d.Err = true, "webhook state is "+hook.State+"; re-activate it with POST /webhooks/"+hook.UUID
		s.recordDelivery(d)
		return
	}
	now := s.now()
	body := encodeJSON(webhookEnvelope{Version: "1.0.0", Type: ev.typ, ID: newUUID(), Payload: ev.payload,
		EventTS: float64(now.UnixMilli()) / 1000})
	ts := strconv.FormatInt(now.Unix(), 10)
	headers := map[string]string{"X-Webhook-Timestamp": ts, "X-Webhook-Signature": signBody(hook.HMAC, ts, body)}
	if hook.BasicAuth != nil {
		headers["Authorization"] = "Basic " + *hook.BasicAuth
	}
	status, err := s.post(s.bgCtx, hook.URL, body, headers, eventTimeout)
	d.Status = status
	if err != nil {
		d.Err = err.Error()
	}
	s.mu.Lock()
	if slices.Contains(s.webhooks, w) {
		if err == nil && status == 200 {
			w.FailedCount = 0
			pushed := isoTime(s.now())
			w.LastMomentPushed = &pushed
		} else {
			w.FailedCount++
			if w.RetryType == "circuit-breaker" && w.FailedCount >= 3 {
				w.State = "FAILED"
			}
		}
	}
	s.mu.Unlock()
	s.recordDelivery(d)
}
