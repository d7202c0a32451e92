package dailytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// apiError is an error answer. Most carry Daily's {"error","info"} body; body replaces it for
// the endpoints whose errors have another shape (buy-phone-number's 422).
type apiError struct {
	status     int
	kind       string
	info       string
	body       any
	retryAfter time.Duration
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.kind, e.info) }

func badRequest(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, kind: "invalid-request-error", info: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *apiError {
	return &apiError{status: http.StatusNotFound, kind: "not-found", info: fmt.Sprintf(format, args...)}
}

// errorKindFor is the Daily error type that goes with an HTTP status, for injected faults.
func errorKindFor(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return "rate-limit-error"
	case status == http.StatusUnauthorized:
		return "authentication-error"
	case status == http.StatusForbidden:
		return "forbidden-error"
	case status == http.StatusNotFound:
		return "not-found"
	case status >= 500:
		return "server-error"
	default:
		return "invalid-request-error"
	}
}

// noBody is a handler result answered with 200 and an empty body (DELETE /webhooks/:uuid).
type noBody struct{}

func writeJSON(w http.ResponseWriter, status int, body any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"server-error","info":"emulator could not encode its answer"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.retryAfter > 0 {
		secs := int64((e.retryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	if e.body != nil {
		writeJSON(w, e.status, e.body)
		return
	}
	body := map[string]string{"error": e.kind}
	if e.info != "" {
		body["info"] = e.info
	}
	writeJSON(w, e.status, body)
}
