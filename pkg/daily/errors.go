package daily

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// APIError is an HTTP error answer from Daily. Daily's usual body is {"error": type, "info": text};
// the phone-number endpoints also answer {"errors": [{detail, status, title, code}]} or a bare
// {"error": text}. All decode here, and a body that is not JSON ends up, shortened, in Info.
type APIError struct {
	Status  int    // HTTP status
	Type    string // Daily's "error" field, e.g. "invalid-request-error", "not-found"
	Info    string // Daily's "info" text: for people, not stable
	Details []ErrorDetail
	Method  string
	Path    string // relative to the base URL, secrets redacted
	// RetryAfter is Daily's Retry-After header (0 when absent), capped at 30 s. The client
	// waits it out itself, except for the writes it sends once (see SetPinlessDialin).
	RetryAfter time.Duration

	deleted bool // the body said "deleted": true (Daily's answer to deleting an expired room)
}

// ErrorDetail is one element of an {"errors": [...]} body.
type ErrorDetail struct {
	Detail string `json:"detail,omitempty"`
	Status string `json:"status,omitempty"`
	Title  string `json:"title,omitempty"`
	Code   string `json:"code,omitempty"`
}

// UnmarshalJSON accepts status and code as strings or numbers.
func (d *ErrorDetail) UnmarshalJSON(data []byte) error {
	var v struct {
		Detail string     `json:"detail"`
		Status FlexString `json:"status"`
		Title  string     `json:"title"`
		Code   FlexString `json:"code"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*d = ErrorDetail{Detail: v.Detail, Status: string(v.Status), Title: v.Title, Code: string(v.Code)}
	return nil
}

// Error is one line: method, path, the status once, Daily's type and what Daily said, each
// text once (the {"errors"} shape repeats the status as a title and often the info as a
// detail). It never holds the request body, the API key or a meeting token.
func (e *APIError) Error() string {
	var b strings.Builder
	statusText := http.StatusText(e.Status)
	fmt.Fprintf(&b, "daily: %s %s: %d", e.Method, e.Path, e.Status)
	if statusText != "" {
		b.WriteString(" " + statusText)
	}
	said := map[string]bool{"": true, strings.ToLower(statusText): true, strconv.Itoa(e.Status): true}
	add := func(sep, s string) bool {
		if said[strings.ToLower(s)] {
			return false
		}
		said[strings.ToLower(s)] = true
		b.WriteString(sep + s)
		return true
	}
	add(": ", e.Type)
	add(": ", e.Info)
	for _, d := range e.Details {
		sep := "; "
		if add(sep, d.Title) {
			sep = ": "
		}
		add(sep, d.Detail)
	}
	return b.String()
}

// apiError decodes a non-2xx answer.
func (c *Client) apiError(r *request, resp *response) *APIError {
	e := &APIError{Status: resp.status, Method: r.method, Path: redactPath(r.path)}
	body := strings.TrimSpace(string(resp.body))
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &fields) == nil {
		var s string
		if json.Unmarshal(fields["error"], &s) == nil {
			e.Type = s
		}
		if json.Unmarshal(fields["info"], &s) == nil {
			e.Info = s
		} else if json.Unmarshal(fields["message"], &s) == nil {
			e.Info = s
		}
		_ = json.Unmarshal(fields["errors"], &e.Details)
		_ = json.Unmarshal(fields["deleted"], &e.deleted)
		// A bare {"error": "human text"} (release-phone-number's 422) is text, not a type.
		if strings.ContainsAny(e.Type, " \t") && e.Info == "" {
			e.Info, e.Type = e.Type, ""
		}
	} else if body != "" {
		e.Info = shorten(strings.Join(strings.Fields(body), " "), 200)
	}
	e.Info = c.scrub(e.Info)
	for i := range e.Details {
		e.Details[i].Detail = c.scrub(e.Details[i].Detail)
		e.Details[i].Title = c.scrub(e.Details[i].Title)
	}
	return e
}

// shorten cuts s to at most n runes.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// IsNotFound reports whether err is Daily's 404 / "not-found".
func IsNotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.Status == http.StatusNotFound || e.Type == "not-found")
}

// IsAuth reports whether err means the API key is missing, invalid or not allowed: 401, 403
// (except "invalid-plan-type", which needs a paid plan, not another key), or one of Daily's
// authentication-error, authorization-header-error, forbidden-error types.
func IsAuth(err error) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	switch e.Type {
	case "authentication-error", "authorization-header-error", "forbidden-error":
		return true
	case "invalid-plan-type":
		return false
	}
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

// IsRateLimited reports whether err is a 429 / "rate-limit-error" left after the retries.
func IsRateLimited(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.Status == http.StatusTooManyRequests || e.Type == "rate-limit-error")
}

// IsPlanRequired reports whether Daily refused because the feature needs a paid account.
func IsPlanRequired(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Type == "invalid-plan-type"
}

// PurchaseUncertainError is a purchase whose answer was lost (a 5xx or no answer): Daily may
// have bought the number. The client never retries a purchase; for a named number it lists the
// purchased numbers to find out (NotBought true: it was not bought, buying again is safe).
type PurchaseUncertainError struct {
	Number    string // "" for a random number
	Err       error  // what went wrong with the purchase
	NotBought bool   // checked: the number is not among the purchased numbers
	CheckErr  error  // the check itself failed (nil when not attempted or when it worked)
}

func (e *PurchaseUncertainError) Error() string {
	switch {
	case e.Number == "":
		return fmt.Sprintf("buying a random number failed (%v); Daily may have bought one: check `dialin numbers list` before buying again", e.Err)
	case e.NotBought:
		return fmt.Sprintf("buying %s failed (%v); checked the purchased numbers: it was not bought", e.Number, e.Err)
	case e.CheckErr != nil:
		return fmt.Sprintf("buying %s failed (%v) and checking whether it was bought failed too (%v): check `dialin numbers list` before buying again", e.Number, e.Err, e.CheckErr)
	}
	return fmt.Sprintf("buying %s failed (%v); Daily may have bought it: check `dialin numbers list` before buying again", e.Number, e.Err)
}

func (e *PurchaseUncertainError) Unwrap() error { return e.Err }
