package daily

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// redacted replaces every secret in logs, errors and the debug wire log.
const redacted = "[REDACTED]"

// maxDebugBody bounds how much of one body the wire log shows.
const maxDebugBody = 64 << 10

// secretKeys are JSON keys whose string values are secrets, compared in lower case.
var secretKeys = map[string]bool{
	"hmac": true, "token": true, "basicauth": true, "basic_auth": true, "api_key": true,
	"apikey": true, "password": true, "secret": true, "authorization": true,
}

// jwtPattern matches a JWT (a meeting token) anywhere in text.
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)

// redactPath hides the meeting token in /meeting-tokens/:token.
func redactPath(path string) string {
	segs := strings.Split(path, "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] == "meeting-tokens" && segs[i+1] != "" {
			segs[i+1] = redacted
		}
	}
	return strings.Join(segs, "/")
}

// scrub removes the API key and anything shaped like a meeting token from free text.
func (c *Client) scrub(s string) string {
	if s == "" {
		return s
	}
	if len(c.apiKey) >= 8 {
		s = strings.ReplaceAll(s, c.apiKey, redacted)
	}
	return jwtPattern.ReplaceAllString(s, redacted)
}

// redactBody returns a JSON body with every secret value replaced; other text is scrubbed.
func (c *Client) redactBody(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) == nil && !dec.More() {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if enc.Encode(redactValue(v)) == nil {
			body = bytes.TrimSpace(buf.Bytes())
		}
	}
	s := string(body)
	if len(s) > maxDebugBody {
		s = s[:maxDebugBody] + "…(truncated)"
	}
	return c.scrub(s)
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if s, ok := val.(string); ok && s != "" && secretKeys[strings.ToLower(k)] {
				t[k] = redacted
				continue
			}
			t[k] = redactValue(val)
		}
	case []any:
		for i := range t {
			t[i] = redactValue(t[i])
		}
	}
	return v
}

// debugLog writes the wire log; a nil *debugLog writes nothing.
type debugLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (d *debugLog) request(c *Client, req *http.Request, body []byte, attempt int) {
	if d == nil {
		return
	}
	target := req.URL.Scheme + "://" + req.URL.Host + c.scrub(redactPath(req.URL.EscapedPath()))
	if req.URL.RawQuery != "" {
		target += "?" + c.scrub(req.URL.RawQuery)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--> %s %s (attempt %d)\n", req.Method, target, attempt)
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := strings.Join(req.Header[k], ", ")
		if strings.EqualFold(k, "Authorization") {
			v = "Bearer " + redacted
		}
		fmt.Fprintf(&b, "%s: %s\n", k, c.scrub(v))
	}
	if s := c.redactBody(body); s != "" {
		b.WriteString(s + "\n")
	}
	d.write(b.String())
}

func (d *debugLog) response(c *Client, r *request, resp *response, err error, dur time.Duration) {
	if d == nil {
		return
	}
	var b strings.Builder
	path := redactPath(r.path)
	dur = dur.Round(time.Microsecond)
	if resp == nil {
		fmt.Fprintf(&b, "<-- error %s %s (%s): %s\n", r.method, path, dur, c.scrub(errString(err)))
	} else {
		fmt.Fprintf(&b, "<-- %d %s %s %s (%s)\n", resp.status, http.StatusText(resp.status), r.method, path, dur)
		if s := c.redactBody(resp.body); s != "" {
			b.WriteString(s + "\n")
		}
	}
	d.write(b.String())
}

func (d *debugLog) write(s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, _ = io.WriteString(d.w, s+"\n")
}
