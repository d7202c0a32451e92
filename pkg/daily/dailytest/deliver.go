package dailytest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Delivery is one outbound POST the emulator made, or skipped because the target is not on
// this machine. Secrets and bodies are not kept.
type Delivery struct {
	// Kind is "pinless-verification", "webhook-verification", "pinless-call" (the dial-in
	// webhook of a simulated call) or "webhook-event" (a /webhooks event such as dialin.ready).
	Kind    string    `json:"kind"`
	URL     string    `json:"url"`
	Event   string    `json:"event,omitempty"`   // the event type of a "webhook-event"
	CallID  string    `json:"call_id,omitempty"` // the call of a "pinless-call"
	Skipped bool      `json:"skipped"`           // not sent: the host is not loopback (or see Err)
	Status  int       `json:"status,omitempty"`  // the target's HTTP status; 0 if none
	Err     string    `json:"error,omitempty"`   // why no status came back
	At      time.Time `json:"at"`                // server clock when it finished
}

// Deliveries returns a copy of the outbound POSTs made (or skipped) so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

func (s *Server) recordDelivery(d Delivery) {
	d.At = s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries = appendBounded(s.deliveries, d)
}

// isLoopbackHost reports whether host (no port) is localhost or a loopback address.
func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && isLoopbackHost(u.Hostname())
}

// newLoopbackClient is the only way the emulator reaches out: it dials loopback addresses only
// (checked after name resolution) and never follows redirects.
func newLoopbackClient() *http.Client {
	dialer := &net.Dialer{Timeout: 2 * time.Second}
	transport := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
			if err != nil {
				return nil, err
			}
			var lastErr error
			for _, ip := range ips {
				if !ip.IP.IsLoopback() {
					continue
				}
				conn, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.IP.String(), port))
				if err == nil {
					return conn, nil
				}
				lastErr = err
			}
			if lastErr != nil {
				return nil, lastErr
			}
			return nil, fmt.Errorf("dailytest delivers to loopback addresses only; %s is not one", host)
		},
		MaxIdleConns:    4,
		IdleConnTimeout: 5 * time.Second,
	}
	return &http.Client{
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// signBody is Daily's signature: base64(HMAC-SHA256(base64decode(secret), ts + "." + body)).
func signBody(secret, ts string, body []byte) string {
	key, _ := base64.StdEncoding.DecodeString(secret)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// post sends body to target with headers and returns the status. Targets are loopback only.
func (s *Server) post(ctx context.Context, target string, body []byte, headers map[string]string, timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "dailytest")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := s.outbound.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// verification is the test POST Daily sends to a pinless entry's room_creation_api.
type verification struct {
	url, secret, to string
}

// pinlessVerifications lists a test POST for every pinless entry. Caller holds s.mu.
func (s *Server) pinlessVerifications() []verification {
	var out []verification
	for _, e := range s.entriesOf(kindPinless) {
		to := e.get("phone_number")
		if to == "" {
			to = e.get("sip_uri")
		}
		out = append(out, verification{url: e.get("room_creation_api"), secret: e.get("hmac"), to: to})
	}
	return out
}

const pinlessVerifyTimeout = 5 * time.Second

// sendPinlessVerifications posts {"Test":"test","To":…} to each loopback target in the
// background, signed with X-Pinless-Timestamp (Unix seconds) and X-Pinless-Signature. Daily
// saves the configuration whatever the answer, so the result is only recorded.
func (s *Server) sendPinlessVerifications(targets []verification) {
	for _, v := range targets {
		if !isLoopbackURL(v.url) {
			s.recordDelivery(Delivery{Kind: "pinless-verification", URL: v.url, Skipped: true})
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		s.bg.Add(1)
		s.mu.Unlock()
		go func(v verification) {
			defer s.bg.Done()
			body := encodeJSON(map[string]string{"Test": "test", "To": v.to})
			ts := strconv.FormatInt(s.now().Unix(), 10)
			headers := map[string]string{"X-Pinless-Timestamp": ts, "X-Pinless-Signature": signBody(v.secret, ts, body)}
			status, err := s.post(s.bgCtx, v.url, body, headers, pinlessVerifyTimeout)
			d := Delivery{Kind: "pinless-verification", URL: v.url, Status: status}
			if err != nil {
				d.Err = err.Error()
			}
			s.recordDelivery(d)
		}(v)
	}
}
