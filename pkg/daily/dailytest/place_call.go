package dailytest

import (
	"strconv"
	"strings"
	"time"
)

// callWebhookTimeout bounds the dial-in webhook POST. Daily's own timeout is unconfirmed;
// serve is meant to answer well within it.
const callWebhookTimeout = 10 * time.Second

// dialinWebhookBody is what Daily POSTs to room_creation_api, in Daily's field order.
type dialinWebhookBody struct {
	To         string            `json:"To"`
	From       string            `json:"From"`
	CallID     string            `json:"callId"`
	CallDomain string            `json:"callDomain"`
	SIPHeaders map[string]string `json:"sipHeaders,omitempty"`
}

// PlaceCall simulates an incoming call: it finds the pinless_dialin entry for spec.SIPURI or
// spec.To, creates a held call (hold timer running) and delivers the signed dial-in webhook to
// the entry's room_creation_api in the background. A webhook host that is not loopback is not
// contacted: the call is lost at once.
func (s *Server) PlaceCall(spec CallSpec) (string, error) {
	id, e := s.placeCall(spec)
	if e != nil {
		return "", plainError(e)
	}
	return id, nil
}

func (s *Server) placeCall(spec CallSpec) (string, *apiError) {
	s.mu.Lock()
	entry, e := s.routeFor(spec)
	if e != nil {
		s.mu.Unlock()
		return "", e
	}
	c := &call{id: newUUID(), domain: s.domainID, to: spec.To, from: spec.From, sipHeaders: cloneHeaders(spec.SIPHeaders), state: CallHeld}
	if spec.SIPURI != "" && c.to == "" {
		c.to = "sip:" + strings.TrimPrefix(entry.get("sip_uri"), "sip:")
	}
	if c.from == "" {
		c.from = "anonymous"
	}
	target, secret := entry.get("room_creation_api"), entry.get("hmac")
	s.calls[c.id] = c
	s.callOrder = append(s.callOrder, c)
	s.markLocked(c, "received", s.now(), "")
	c.stopHold = s.after(s.holdTimeout, func() { s.holdExpired(c) })
	if !isLoopbackURL(target) {
		s.finishLocked(c, CallLost, "webhook host not loopback")
		s.mu.Unlock()
		s.recordDelivery(Delivery{Kind: "pinless-call", URL: target, Skipped: true, CallID: c.id})
		return c.id, nil
	}
	if s.closed {
		s.finishLocked(c, CallLost, "emulator is shutting down")
		s.mu.Unlock()
		return c.id, nil
	}
	s.bg.Add(1)
	s.mu.Unlock()
	go s.sendCallWebhook(c, target, secret)
	return c.id, nil
}

// routeFor finds the pinless entry a call reaches. Caller holds s.mu.
func (s *Server) routeFor(spec CallSpec) (*dialinEntry, *apiError) {
	if spec.SIPURI != "" {
		want := strings.TrimPrefix(spec.SIPURI, "sip:")
		for _, e := range s.entriesOf(kindPinless) {
			if e.get("sip_uri") == want {
				return e, nil
			}
		}
		return nil, badRequest("sip_uri: %s is not the sip_uri of any pinless_dialin entry", spec.SIPURI)
	}
	if spec.To == "" {
		return nil, badRequest("to is required (a number routed by a pinless_dialin entry), or sip_uri")
	}
	e := s.entryByPhone(spec.To, nil)
	switch {
	case e == nil:
		return nil, badRequest("to: %s is not routed: no pinless_dialin entry has this phone_number", spec.To)
	case e.kind != kindPinless:
		return nil, badRequest("to: %s is a pin_dialin number; the emulator simulates pinless calls only", spec.To)
	case s.purchasedByNumber(spec.To) == nil:
		return nil, badRequest("to: %s is no longer purchased by this domain, so no call can reach it", spec.To)
	}
	return e, nil
}

// sendCallWebhook POSTs the dial-in webhook once (whether Daily retries is unconfirmed; the
// emulator does not) and records the answer. A failed webhook leaves the call on hold until
// the hold timer, as Daily's timeout message suggests.
func (s *Server) sendCallWebhook(c *call, target, secret string) {
	defer s.bg.Done()
	s.mu.Lock()
	body := encodeJSON(dialinWebhookBody{To: c.to, From: c.from, CallID: c.id, CallDomain: c.domain, SIPHeaders: c.sipHeaders})
	now := s.now()
	s.markLocked(c, "webhook_sent", now, "")
	s.mu.Unlock()

	ts := strconv.FormatInt(now.Unix(), 10)
	headers := map[string]string{"X-Pinless-Timestamp": ts, "X-Pinless-Signature": signBody(secret, ts, body)}
	status, err := s.post(s.bgCtx, target, body, headers, callWebhookTimeout)
	d := Delivery{Kind: "pinless-call", URL: target, Status: status, CallID: c.id}
	s.mu.Lock()
	if err != nil {
		d.Err = err.Error()
		s.markLocked(c, "webhook_failed", s.now(), d.Err)
	} else {
		s.markLocked(c, "webhook_answered", s.now(), strconv.Itoa(status))
	}
	s.mu.Unlock()
	s.recordDelivery(d)
}
