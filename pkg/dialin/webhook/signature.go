// Package webhook verifies and decodes the webhooks Daily sends: the pinless dial-in webhook
// (X-Pinless-Signature / X-Pinless-Timestamp) that announces a held call, and Daily's general
// event webhooks (X-Webhook-Signature / X-Webhook-Timestamp) such as dialin.ready.
//
// Both are signed the same way (Daily's pinless dial-in guide,
// https://docs.daily.co/docs/guides/features/dial-in-dial-out/sip-interconnect-pinless, and
// its webhooks reference, https://docs.daily.co/reference/rest-api/webhooks):
//
//	signature = base64( HMAC-SHA256( base64decode(secret), timestamp + "." + rawBody ) )
//
// Verification works on the raw bytes received, compares in constant time, fails closed when
// a header is missing, and checks the timestamp against a window. Daily's timestamp unit is not
// documented (third parties report milliseconds on real traffic, seconds in docs), so both are
// accepted: values of 1e11 and above are read as milliseconds.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names of the two kinds of signed deliveries.
const (
	PinlessSignatureHeader = "X-Pinless-Signature"
	PinlessTimestampHeader = "X-Pinless-Timestamp"
	EventSignatureHeader   = "X-Webhook-Signature"
	EventTimestampHeader   = "X-Webhook-Timestamp"
)

// DefaultWindow is how far a timestamp may be from now, either way.
const DefaultWindow = 5 * time.Minute

// Verification failures. They never contain the secret, the signature or the body.
var (
	ErrMissingHeaders = errors.New("signature or timestamp header missing")
	ErrBadTimestamp   = errors.New("timestamp is not a number")
	ErrStale          = errors.New("timestamp outside the accepted window")
	ErrBadSignature   = errors.New("signature does not match")
	ErrBadSecret      = errors.New("secret is not valid base64")
)

// Sign returns the signature Daily would send for body at timestamp, with a base64 secret.
func Sign(secret, timestamp string, body []byte) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	return sign(key, timestamp, body), nil
}

func sign(key []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func decodeSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(secret))
	if err != nil || len(key) == 0 {
		return nil, ErrBadSecret
	}
	return key, nil
}

// ValidSecret reports whether secret is usable: non-empty standard base64.
func ValidSecret(secret string) bool {
	_, err := decodeSecret(secret)
	return err == nil
}

// Verifier checks signed deliveries against one or more secrets (one per route).
type Verifier struct {
	// Secrets are base64 secrets, keyed by a name the caller chooses (a route's key).
	Secrets map[string]string
	// Window bounds |now - timestamp|; zero means DefaultWindow.
	Window time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verify checks signature and timestamp over the raw body and returns the name of the secret
// that matched. Every secret is tried so that one server can serve several routes.
func (v *Verifier) Verify(signature, timestamp string, body []byte) (string, error) {
	if signature == "" || timestamp == "" {
		return "", ErrMissingHeaders
	}
	at, err := ParseTimestamp(timestamp)
	if err != nil {
		return "", err
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	window := v.Window
	if window <= 0 {
		window = DefaultWindow
	}
	if d := now().Sub(at); d > window || d < -window {
		return "", ErrStale
	}
	got := []byte(signature)
	matched := ""
	for name, secret := range v.Secrets {
		key, err := decodeSecret(secret)
		if err != nil {
			continue
		}
		// Compare against every secret, without stopping early, so timing says nothing of
		// which route matched.
		if hmac.Equal([]byte(sign(key, timestamp, body)), got) && matched == "" {
			matched = name
		}
	}
	if matched == "" {
		return "", ErrBadSignature
	}
	return matched, nil
}

// VerifyRequest reads the pinless or event headers from h (whichever kind is present).
func (v *Verifier) VerifyRequest(h http.Header, body []byte) (string, error) {
	sig, ts := h.Get(PinlessSignatureHeader), h.Get(PinlessTimestampHeader)
	if sig == "" && ts == "" {
		sig, ts = h.Get(EventSignatureHeader), h.Get(EventTimestampHeader)
	}
	return v.Verify(sig, ts, body)
}

// ParseTimestamp reads Unix seconds or milliseconds (optionally fractional seconds).
func ParseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f != f || f > 1e16 {
		return time.Time{}, ErrBadTimestamp
	}
	if f >= 1e11 {
		return time.UnixMilli(int64(f)), nil
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), nil
}

// SignHeaders returns the pinless headers for body signed at now (Unix seconds), as Daily sends.
func SignHeaders(secret string, now time.Time, body []byte) (http.Header, error) {
	ts := strconv.FormatInt(now.Unix(), 10)
	sig, err := Sign(secret, ts, body)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	h := http.Header{}
	h.Set(PinlessTimestampHeader, ts)
	h.Set(PinlessSignatureHeader, sig)
	return h, nil
}
