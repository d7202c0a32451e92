package dailytest

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// webhook is a /webhooks subscription, in the docs page's shape (state and times as strings).
type webhook struct {
	UUID             string   `json:"uuid"`
	URL              string   `json:"url"`
	HMAC             string   `json:"hmac"`
	BasicAuth        *string  `json:"basicAuth"`
	RetryType        string   `json:"retryType"`
	EventTypes       []string `json:"eventTypes"`
	State            string   `json:"state"`
	FailedCount      int      `json:"failedCount"`
	LastMomentPushed *string  `json:"lastMomentPushed"`
	DomainID         string   `json:"domainId"`
	CreatedAt        string   `json:"createdAt"`
	UpdatedAt        string   `json:"updatedAt"`
}

const webhookVerifyTimeout = 2 * time.Second

// applyWebhookBody validates a create/update body and writes its fields into w.
func applyWebhookBody(body object, w *webhook, creating bool) *apiError {
	u, hasURL, e := body.str("url")
	if e != nil {
		return e
	}
	if creating && !hasURL {
		return badRequest("url is required")
	}
	if hasURL {
		parsed, err := url.Parse(u)
		if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
			return badRequest("url must be an absolute http(s) URL, got %q", u)
		}
		if !isLoopbackHost(parsed.Hostname()) {
			return badRequest("url: the emulator delivers webhooks only to loopback hosts (localhost, 127.0.0.0/8, ::1); %s is not one", parsed.Hostname())
		}
		w.URL = u
	}
	if ba, ok, e := body.str("basicAuth"); e != nil {
		return e
	} else if ok {
		w.BasicAuth = &ba
	}
	if rt, ok, e := body.str("retryType"); e != nil {
		return e
	} else if ok {
		if rt != "circuit-breaker" && rt != "exponential" {
			return badRequest(`retryType must be "circuit-breaker" or "exponential", got %q`, rt)
		}
		w.RetryType = rt
	}
	if types, ok, e := body.strList("eventTypes"); e != nil {
		return e
	} else if ok {
		w.EventTypes = types
	}
	if secret, ok, e := body.str("hmac"); e != nil {
		return e
	} else if ok {
		if key, err := base64.StdEncoding.DecodeString(secret); err != nil || len(key) == 0 {
			return badRequest("hmac must be a non-empty base64-encoded secret (omit it to have one generated)")
		}
		w.HMAC = secret
	}
	return nil
}

// verifyWebhook sends Daily's test POST {"test":"test"} (signed with X-Webhook-*) and wants a
// 200 within webhookVerifyTimeout.
func (s *Server) verifyWebhook(ctx context.Context, w *webhook) *apiError {
	body := []byte(`{"test":"test"}`)
	ts := strconv.FormatInt(s.now().Unix(), 10)
	headers := map[string]string{"X-Webhook-Timestamp": ts, "X-Webhook-Signature": signBody(w.HMAC, ts, body)}
	if w.BasicAuth != nil {
		headers["Authorization"] = "Basic " + *w.BasicAuth
	}
	status, err := s.post(ctx, w.URL, body, headers, webhookVerifyTimeout)
	d := Delivery{Kind: "webhook-verification", URL: w.URL, Status: status}
	if err != nil {
		d.Err = err.Error()
	}
	s.recordDelivery(d)
	switch {
	case err != nil:
		return badRequest("webhook verification failed: no 200 from %s within %s (%v)", w.URL, webhookVerifyTimeout, err)
	case status != http.StatusOK:
		return badRequest("webhook verification failed: %s answered %d to the test request (want 200)", w.URL, status)
	}
	return nil
}

// createWebhook is POST /webhooks. A domain has at most one webhook (max_webhook_count 1).
func (s *Server) createWebhook(r *http.Request, _ []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	w := &webhook{UUID: newUUID(), RetryType: "circuit-breaker", EventTypes: []string{}, State: "ACTIVE", DomainID: s.domainID}
	if e := applyWebhookBody(body, w, true); e != nil {
		return nil, e
	}
	if w.HMAC == "" {
		w.HMAC = newHMACSecret()
	}
	if e := s.checkWebhookRoom(); e != nil {
		return nil, e
	}
	if e := s.verifyWebhook(r.Context(), w); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.checkWebhookRoomLocked(); e != nil {
		return nil, e // another create won while this one was being verified
	}
	w.CreatedAt = isoTime(s.now())
	w.UpdatedAt = w.CreatedAt
	s.webhooks = append(s.webhooks, w)
	return *w, nil
}

func (s *Server) checkWebhookRoom() *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkWebhookRoomLocked()
}

func (s *Server) checkWebhookRoomLocked() *apiError {
	if len(s.webhooks) >= 1 {
		return badRequest("this domain already has a webhook (max_webhook_count is 1); update or delete %s", s.webhooks[0].UUID)
	}
	return nil
}

// listWebhooks is GET /webhooks: an array, not a list object.
func (s *Server) listWebhooks(_ *http.Request, _ []string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]webhook, len(s.webhooks))
	for i, w := range s.webhooks {
		out[i] = *w
	}
	return out, nil
}

func (s *Server) webhookByUUID(id string) (*webhook, *apiError) {
	i := slices.IndexFunc(s.webhooks, func(w *webhook) bool { return w.UUID == id })
	if i < 0 {
		return nil, notFound("webhook %s not found", id)
	}
	return s.webhooks[i], nil
}

// getWebhook is GET /webhooks/:uuid.
func (s *Server) getWebhook(_ *http.Request, p []string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, e := s.webhookByUUID(p[0])
	if e != nil {
		return nil, e
	}
	return *w, nil
}

// updateWebhook is POST /webhooks/:uuid: merges the body, re-runs the verification and
// re-activates the webhook (state ACTIVE, failedCount 0). On failure nothing changes.
func (s *Server) updateWebhook(r *http.Request, p []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	cur, e := s.webhookByUUID(p[0])
	var next webhook
	if e == nil {
		next = *cur
		next.EventTypes = slices.Clone(cur.EventTypes)
	}
	s.mu.Unlock()
	if e != nil {
		return nil, e
	}
	if e := applyWebhookBody(body, &next, false); e != nil {
		return nil, e
	}
	if e := s.verifyWebhook(r.Context(), &next); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, e = s.webhookByUUID(p[0])
	if e != nil {
		return nil, e // deleted while being verified
	}
	next.State, next.FailedCount, next.UpdatedAt = "ACTIVE", 0, isoTime(s.now())
	*cur = next
	return next, nil
}

// deleteWebhook is DELETE /webhooks/:uuid: 200 with an empty body.
func (s *Server) deleteWebhook(_ *http.Request, p []string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.webhookByUUID(p[0]); e != nil {
		return nil, e
	}
	s.webhooks = slices.DeleteFunc(slices.Clone(s.webhooks), func(w *webhook) bool { return w.UUID == p[0] })
	return noBody{}, nil
}
