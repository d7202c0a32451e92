package simulate

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/dialin-project/dialin/internal/cmd/webhookcmd/secretfile"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/loopback"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// maxAnswer bounds how much of serve's answer is read and printed.
const maxAnswer = 1 << 20

// Answer is what `simulate call --json` prints: where the webhook went and what came back.
type Answer struct {
	URL    string          `json:"url"`
	CallID string          `json:"call_id"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"` // serve's JSON answer, or a JSON string if it is not JSON
}

// dialinBody is the webhook body, with Daily's field order.
type dialinBody struct {
	To         string            `json:"To"`
	From       string            `json:"From"`
	CallID     string            `json:"callId"`
	CallDomain string            `json:"callDomain"`
	SIPHeaders map[string]string `json:"sipHeaders,omitempty"`
}

// encodeBody writes the body as Daily does (JSON.stringify: no HTML escaping, no newline).
func encodeBody(b dialinBody) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func sendRun(ctx context.Context, o *CallOptions) error {
	secret, from, route, err := o.secret(ctx)
	if err != nil {
		return err
	}
	domainID := route.domainID
	o.followRoute(route.url)
	b := dialinBody{To: o.To, From: o.From, CallID: o.CallID, CallDomain: o.CallDomain, SIPHeaders: o.SIPHeaders}
	if b.CallID == "" {
		b.CallID = newUUID()
	}
	if b.CallDomain == "" {
		b.CallDomain = domainID
	}
	if b.CallDomain == "" {
		b.CallDomain = newUUID()
	}
	body, err := encodeBody(b)
	if err != nil {
		return err
	}
	signed, err := webhook.SignHeaders(secret, o.Now(), body)
	if err != nil {
		return err
	}
	o.IO.Infof("Sending the dial-in webhook of call %s to %s, signed with %s", b.CallID, o.URL, from)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = signed
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "dialin-simulate")
	resp, err := o.HTTPClient.Do(req)
	if err != nil {
		return cmdutil.WithHint(fmt.Errorf("sending the webhook to %s: %w", o.URL, unwrapURL(err)),
			"is `dialin serve` running there? Start it with `dialin serve --bot-cmd …`, or give --url")
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("reading the answer of %s: %w", o.URL, err)
	}
	if o.Exporter != nil {
		ans := Answer{URL: o.URL, CallID: b.CallID, Status: resp.StatusCode, Body: asJSON(raw)}
		if err := o.Exporter.Write(o.IO, ans); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(o.IO.Out, "%d %s\n", resp.StatusCode, http.StatusText(resp.StatusCode))
		if text := strings.TrimSpace(string(raw)); text != "" {
			fmt.Fprintln(o.IO.Out, printable(text))
		}
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %d %s", o.URL, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return nil
}

// routeRead is what secret learnt from --to's route on Daily: the domain id (the callDomain
// of a real call) and the route's room_creation_api URL.
type routeRead struct{ domainID, url string }

// followRoute sends to the route's URL when --url was not given and that URL is on this
// machine: the route's secret signs the body, so the route's server is the one to ask. A
// route pointing elsewhere is never sent to (no test or simulation leaves loopback).
func (o *CallOptions) followRoute(routeURL string) {
	if o.urlSet || routeURL == "" || routeURL == o.URL {
		return
	}
	if u, err := url.Parse(routeURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && loopback.Host(u.Hostname()) {
		o.URL = routeURL
		return
	}
	o.IO.Infof("The route of %s points at %s, which is not on this machine; sending to %s instead (give --url to choose)", o.To, routeURL, o.URL)
}

// secret finds the signing secret: --secret-file, DIALIN_WEBHOOK_SECRET, else the hmac of
// --to's route on Daily (then route says what was read). from says which, never what.
func (o *CallOptions) secret(ctx context.Context) (secret, from string, route routeRead, err error) {
	secret, from, err = secretfile.Resolve(o.IO, "--secret-file", o.SecretFile, o.secretSet, secretfile.EnvWebhookSecret, o.Getenv)
	if err != nil || secret != "" {
		return secret, from, route, err
	}
	client, err := o.DailyClient()
	if err != nil {
		var noAuth *cmdutil.NoAuthError
		if errors.As(err, &noAuth) {
			return "", "", route, cmdutil.FlagErrorf("no secret to sign with: give --secret-file FILE, set DIALIN_WEBHOOK_SECRET, or configure a Daily API key so the hmac of %s's route can be read", o.To)
		}
		return "", "", route, err
	}
	var dom *daily.Domain
	err = o.IO.WithProgress("Reading the route's secret from Daily", func() error {
		dom, err = client.Domain(ctx)
		return err
	})
	if err != nil {
		return "", "", route, err
	}
	entries, err := dom.PinlessDialin()
	if err != nil {
		return "", "", route, err
	}
	for _, e := range entries {
		sameNumber := e.PhoneNumber != "" && phone.Equal(e.PhoneNumber, o.To)
		sameSIP := e.SIPURI != "" && daily.NormalizeSIPURI(e.SIPURI) == daily.NormalizeSIPURI(o.To)
		if !sameNumber && !sameSIP {
			continue
		}
		if e.HMAC == "" {
			return "", "", route, fmt.Errorf("the route of %s has no hmac: give --secret-file FILE or set DIALIN_WEBHOOK_SECRET", o.To)
		}
		return e.HMAC, "the hmac of " + o.To + "'s route, read from Daily", routeRead{dom.ID, e.RoomCreationAPI}, nil
	}
	return "", "", route, fmt.Errorf("no pinless_dialin route for %s on Daily: give --secret-file FILE, set DIALIN_WEBHOOK_SECRET, or add the route with `dialin routes set`", o.To)
}

// asJSON keeps a JSON answer as it is, and turns anything else into a JSON string.
func asJSON(raw []byte) json.RawMessage {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && json.Valid(trimmed) {
		return trimmed
	}
	s, _ := json.Marshal(string(raw))
	return s
}

// printable escapes control characters of an answer that is not plain text, so that a
// hostile endpoint cannot drive the terminal.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }) < 0 {
		return s
	}
	q := fmt.Sprintf("%q", s)
	return q[1 : len(q)-1]
}

// newUUID returns a random (version 4) UUID, the form of Daily's callId.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// unwrapURL drops url.Error's `Post "http://…":` prefix, which the message already says.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
