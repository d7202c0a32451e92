package daily_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestDecodeErrorShapes(t *testing.T) {
	t.Parallel()
	const key = "sk-test-0123456789abcdef"
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJyIjoieCJ9.c2lnbmF0dXJl"
	cases := []struct {
		name               string
		status             int
		body               string
		wantType, wantIn   string
		wantDetails        int
		notFound, auth, rl bool
	}{
		{name: "error and info", status: 400, body: `{"error":"invalid-request-error","info":"a room named x already exists"}`,
			wantType: "invalid-request-error", wantIn: "a room named x already exists"},
		{name: "not found", status: 404, body: `{"error":"not-found","info":"room x not found"}`,
			wantType: "not-found", wantIn: "room x not found", notFound: true},
		{name: "auth without info", status: 401, body: `{"error":"authentication-error"}`,
			wantType: "authentication-error", auth: true},
		{name: "missing header", status: 400, body: `{"error":"authorization-header-error","info":"missing"}`,
			wantType: "authorization-header-error", auth: true},
		{name: "forbidden", status: 403, body: `{"error":"forbidden-error"}`, wantType: "forbidden-error", auth: true},
		{name: "paid plan", status: 403, body: `{"error":"invalid-plan-type","info":"This feature is only available to paid accounts"}`,
			wantType: "invalid-plan-type", wantIn: "paid accounts"},
		{name: "rate limited", status: 429, body: `{"error":"rate-limit-error"}`, wantType: "rate-limit-error", rl: true},
		{name: "errors array", status: 422,
			body:   `{"errors":[{"detail":"number +15550001111 is not available","status":"422","title":"Unprocessable","code":10001}],"status":422}`,
			wantIn: "number +15550001111 is not available", wantDetails: 1},
		{name: "bare error text", status: 422, body: `{"error":"Numbers cannot be released within 14 days of purchase"}`,
			wantIn: "cannot be released within 14 days"},
		{name: "html from a proxy", status: 502, body: "<html>\n<body>502 Bad   Gateway</body></html>",
			wantIn: "<html> <body>502 Bad Gateway</body></html>"},
		{name: "empty body", status: 503, body: "", wantIn: "503 Service Unavailable"},
		{name: "secrets in info", status: 400, body: `{"error":"invalid-request-error","info":"token ` + jwt + ` for key ` + key + ` is bad"}`,
			wantType: "invalid-request-error", wantIn: "token [REDACTED] for key [REDACTED] is bad"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := daily.DecodeAPIError(key, tc.status, tc.body)
			msg := e.Error()
			if e.Status != tc.status || e.Type != tc.wantType {
				t.Errorf("status, type = %d, %q; want %d, %q", e.Status, e.Type, tc.status, tc.wantType)
			}
			if !strings.Contains(msg, tc.wantIn) {
				t.Errorf("Error() = %q, want it to contain %q", msg, tc.wantIn)
			}
			if strings.Contains(msg, key) || strings.Contains(msg, jwt) || strings.Contains(msg, "\n") {
				t.Errorf("Error() = %q leaks a secret or spans lines", msg)
			}
			if len(e.Details) != tc.wantDetails {
				t.Errorf("details = %+v, want %d", e.Details, tc.wantDetails)
			}
			if daily.IsNotFound(e) != tc.notFound || daily.IsAuth(e) != tc.auth || daily.IsRateLimited(e) != tc.rl {
				t.Errorf("IsNotFound, IsAuth, IsRateLimited = %v, %v, %v; want %v, %v, %v",
					daily.IsNotFound(e), daily.IsAuth(e), daily.IsRateLimited(e), tc.notFound, tc.auth, tc.rl)
			}
		})
	}
	if d := daily.DecodeAPIError(key, 422, cases[7].body).Details[0]; d.Code != "10001" || d.Status != "422" || d.Title != "Unprocessable" {
		t.Errorf("detail = %+v", d)
	}
}

func TestErrorsFromTheEmulator(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	ctx := testContext(t)

	wrong := daily.New("not-the-key-at-all", daily.WithBaseURL(srv.URL))
	_, err := wrong.Domain(ctx)
	var ae *daily.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.Type != "authentication-error" || !daily.IsAuth(err) {
		t.Fatalf("wrong key: err = %#v", err)
	}
	if strings.Contains(err.Error(), "not-the-key-at-all") {
		t.Fatalf("error %q shows the key", err)
	}

	none := daily.New("", daily.WithBaseURL(srv.URL))
	_, err = none.Domain(ctx)
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Type != "authorization-header-error" || !daily.IsAuth(err) {
		t.Fatalf("no key: err = %#v", err)
	}

	c, _ := newClient(t, srv)
	_, err = c.Room(ctx, "nope")
	if !errors.As(err, &ae) || !daily.IsNotFound(err) || ae.Method != "GET" || ae.Path != "/rooms/nope" || ae.Info == "" {
		t.Fatalf("missing room: err = %#v", err)
	}
	if want := "daily: GET /rooms/nope: 404 Not Found: not-found: "; !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Error() = %q, want prefix %q", err, want)
	}
}

// TestErrorSaysEachThingOnce: buy-phone-number's 422 repeats the status as a title and the
// info as a detail; the message says the status once and Daily's text once.
func TestErrorSaysEachThingOnce(t *testing.T) {
	body := `{"error":"invalid-request-error","info":"+15550001111 is not available for purchase",` +
		`"errors":[{"detail":"+15550001111 is not available for purchase","status":"422","title":"Unprocessable Entity","code":"number_unavailable"}],"status":422}`
	msg := daily.DecodeAPIError("k", 422, body).Error()
	for _, s := range []string{"Unprocessable Entity", "is not available for purchase", "422"} {
		if n := strings.Count(msg, s); n != 1 {
			t.Errorf("%q appears %d times in %q", s, n, msg)
		}
	}
	other := daily.DecodeAPIError("k", 422, `{"errors":[{"detail":"bad area","title":"Invalid"}]}`).Error()
	if !strings.HasSuffix(other, "422 Unprocessable Entity; Invalid: bad area") {
		t.Errorf("%q", other)
	}
}
