package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// enter registers a request being handled, unless serve is shutting down.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.inflight.Add(1)
	return true
}

// readBody reads at most limit bytes; a larger body is answered 413 here.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	limit := s.cfg.MaxBodyBytes
	if r.ContentLength > limit {
		s.reject(w, http.StatusRequestEntityTooLarge, "body_too_large", "body larger than "+strconv.FormatInt(limit, 10)+" bytes")
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.reject(w, http.StatusRequestEntityTooLarge, "body_too_large", "body larger than "+strconv.FormatInt(limit, 10)+" bytes")
		} else {
			s.reject(w, http.StatusBadRequest, "unreadable_body", "the body could not be read")
		}
		return nil, false
	}
	return body, true
}

// reject answers a request that starts nothing, and counts it.
func (s *Server) reject(w http.ResponseWriter, status int, label, reason string) {
	s.metrics.rejected.WithLabelValues(label).Inc()
	s.sink.Emit(Event{Kind: EventRejected, At: time.Now(), Reason: reason})
	s.log.Warn("webhook rejected", "reason", reason, "status", status)
	writeReply(w, status, reply{Status: "rejected", Reason: reason})
}

// verify checks the request's signature, re-reading the secrets once (rate limited) when it
// matched none. It returns the name of the secret that matched.
func (s *Server) verify(ctx context.Context, c *secretCache, h http.Header, body []byte) (string, error) {
	if s.d.InsecureSkipVerify {
		return "unverified", nil
	}
	name, err := c.verifier(s.cfg.SignatureWindow).VerifyRequest(h, body)
	if errors.Is(err, webhook.ErrBadSignature) && c.refreshOnMiss(ctx, "") {
		name, err = c.verifier(s.cfg.SignatureWindow).VerifyRequest(h, body)
	}
	return name, err
}

func (s *Server) serveWebhook(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeReply(w, http.StatusMethodNotAllowed, reply{Status: "rejected", Reason: "use POST"})
		return
	}
	if !s.enter() {
		writeReply(w, http.StatusServiceUnavailable, reply{Status: "unavailable", Reason: "shutting down"})
		return
	}
	defer s.inflight.Done()
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	route, verr := s.verify(r.Context(), s.routes, r.Header, body)
	wc, test, derr := webhook.DecodeCall(body)
	if test && derr == nil {
		// Daily's verification body starts nothing, so it gets its 200 whether or not it is
		// signed with a secret serve knows yet (Daily sends it right after a route change).
		s.metrics.tests.Inc()
		s.sink.Emit(Event{Kind: EventTest, At: received, Reason: testNote(verr)})
		writeReply(w, http.StatusOK, reply{Status: "test"})
		return
	}
	if verr != nil {
		if !s.routes.ready() && errors.Is(verr, webhook.ErrBadSignature) {
			s.metrics.rejected.WithLabelValues("not_ready").Inc()
			writeReply(w, http.StatusServiceUnavailable, reply{Status: "unavailable", Reason: "no route secrets loaded yet"})
			return
		}
		s.reject(w, http.StatusUnauthorized, rejectReason(verr), verr.Error())
		return
	}
	if derr != nil {
		s.reject(w, http.StatusBadRequest, "bad_body", derr.Error())
		return
	}
	if label, why, ok := s.checkRoute(r.Context(), r.Header, body, wc, route); !ok {
		s.reject(w, http.StatusUnauthorized, label, why)
		return
	}
	s.takeCall(w, r, body, wc, route, received)
}

func testNote(verr error) string {
	if verr != nil {
		return "signature not verified: " + verr.Error()
	}
	return "signature verified"
}

// takeCall claims a verified call and starts its flow, or answers a repeat with the first
// answer.
func (s *Server) takeCall(w http.ResponseWriter, r *http.Request, body []byte, wc *webhook.Call, route string, received time.Time) {
	ctx := r.Context()
	// The same signature and timestamp again is a replay. It carries the same callId, so the
	// claim answers it as a duplicate; the mark, set in the same step, tells the two apart.
	mark := ""
	if !s.d.InsecureSkipVerify {
		sum := sha256.Sum256([]byte(r.Header.Get(webhook.PinlessSignatureHeader) + "|" + r.Header.Get(webhook.PinlessTimestampHeader)))
		mark = "sig:" + hex.EncodeToString(sum[:])
	}
	rule, why := s.cfg.Match(rules.Call{To: wc.To, From: wc.From, SIPHeaders: wc.SIPHeaders})
	rec := callstore.Record{
		CallID: wc.CallID, CallDomain: wc.CallDomain, To: wc.To, From: wc.From,
		State: callstore.Accepted, Owner: s.d.ReplicaID, ReceivedAt: received,
	}
	answer := reply{Status: "accepted", CallID: wc.CallID}
	status := http.StatusOK
	var admitted, onPath int64
	busy := false
	if rule == nil {
		rec.State, rec.Reason = callstore.Refused, "no_rule"
		answer = reply{Status: "refused", CallID: wc.CallID, Reason: "no rule matches this call"}
	} else {
		rec.Rule, answer.Rule = rule.Name, rule.Name
		var wait time.Duration
		var ok bool
		if onPath, admitted, wait, ok = s.admit(rule, received); !ok {
			// Non-2xx, so that Daily plays the route's timeout message now rather than
			// after the hold; a repeat of the webhook gets the same answer.
			busy = true
			rec.State, rec.Reason = callstore.Refused, refusedBudget
			status = http.StatusServiceUnavailable
			answer = reply{Status: "refused", CallID: wc.CallID, Rule: rule.Name, Reason: budgetReason(wait)}
		}
	}
	rec.Answer = callstore.Answer{Status: status, Body: answer.bytes()}
	first, existing, claimed, err := s.store.OnceClaim(ctx, mark, 2*s.cfg.SignatureWindow, rec)
	if err != nil || !claimed {
		s.unadmit(admitted)
	}
	if err != nil {
		// Without the store serve cannot tell a repeat from a new call: refuse rather than
		// risk a second bot.
		s.log.Error("call store unavailable; call refused", "call_id", wc.CallID, "err", err)
		s.metrics.rejected.WithLabelValues("store_unavailable").Inc()
		writeReply(w, http.StatusServiceUnavailable, reply{Status: "unavailable", CallID: wc.CallID, Reason: "call state unavailable"})
		return
	}
	if !claimed {
		kind, why := "callid", "repeated delivery of the call; answered as the first"
		if !first {
			kind, why = "replay", "replayed request (same signature and timestamp); answered as the first"
		}
		s.metrics.duplicates.WithLabelValues(kind).Inc()
		s.sink.Emit(Event{Kind: EventDuplicate, CallID: wc.CallID, Rule: existing.Rule, At: received, Since: received.Sub(existing.ReceivedAt), Reason: why})
		s.log.Debug("duplicate delivery", "call_id", wc.CallID, "kind", kind)
		writeBody(w, existing.Answer.Status, existing.Answer.Body)
		return
	}
	// The event carries why the rule matched; the debug line adds which route's secret signed it.
	s.sink.Emit(Event{Kind: EventReceived, CallID: wc.CallID, Rule: rec.Rule, At: received, To: wc.To, From: wc.From, Reason: why,
		Bot: botKind(rule), Route: route, Body: body})
	s.log.Debug("call received", "call_id", wc.CallID, "rule", rec.Rule, "route", route, "match", why)
	if rule == nil {
		s.metrics.calls.WithLabelValues("refused_no_rule").Inc()
		s.sink.Emit(Event{Kind: EventRefused, CallID: wc.CallID, At: time.Now(), Since: time.Since(received), Reason: why})
		writeBody(w, rec.Answer.Status, rec.Answer.Body)
		return
	}
	if busy {
		s.refuseOverBudget(w, rec, received)
		return
	}
	c := s.newCall(rec, wc.SIPHeaders, rule)
	c.pendingRequests.Store(admitted)
	c.pathRequests = onPath
	c.keepWebhook(body, r.Header)
	go s.run(c)
	writeBody(w, rec.Answer.Status, rec.Answer.Body)
}

// botKind names the kind of the rule's bot, "" without a rule.
func botKind(r *rules.Rule) string {
	if r == nil {
		return ""
	}
	if k := r.Bot.Kinds(); len(k) > 0 {
		return k[0]
	}
	return ""
}
