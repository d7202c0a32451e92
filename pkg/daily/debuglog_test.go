package daily_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestDebugLogRedactsSecrets(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	var wire, logs bytes.Buffer
	c, _ := newClient(t, srv, daily.WithDebug(&wire),
		daily.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	ctx := testContext(t)
	hook := newHookReceiver(t)
	const routeSecret, hookSecret, basicAuth = "cm91dGUtc2VjcmV0LXZhbHVl", "aG9vay1zZWNyZXQtdmFsdWU=", "dXNlcjpwYXNzd29yZA=="
	number := "+14155550401"
	srv.SeedPurchased(number, time.Now())

	must(c.Domain(ctx))(t)
	must(c.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{PhoneNumber: number, RoomCreationAPI: hook.URL, HMAC: routeSecret}}))(t)
	must(c.CreateRoom(ctx, daily.CreateRoomRequest{Name: "dbg"}))(t)
	token := must(c.CreateMeetingToken(ctx, daily.MeetingTokenProperties{RoomName: "dbg"}))(t)
	must(c.ValidateMeetingToken(ctx, token))(t)
	must(c.CreateWebhook(ctx, daily.WebhookRequest{URL: hook.URL, HMAC: hookSecret, BasicAuth: basicAuth}))(t)
	srv.FailNext(http.StatusServiceUnavailable, 1)
	must(c.Domain(ctx))(t) // a retry, logged
	_, _ = c.Room(ctx, "missing")

	out := wire.String()
	for name, secret := range map[string]string{"API key": srv.APIKey, "route hmac": routeSecret,
		"webhook hmac": hookSecret, "basicAuth": basicAuth, "meeting token": token} {
		if strings.Contains(out, secret) {
			t.Errorf("wire log shows the %s", name)
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("structured log shows the %s", name)
		}
	}
	for _, want := range []string{
		"Authorization: Bearer [REDACTED]",
		"--> GET " + srv.URL + "/ (attempt 1)",
		"--> GET " + srv.URL + "/meeting-tokens/[REDACTED] (attempt 1)",
		`"hmac":"[REDACTED]"`, `"basicAuth":"[REDACTED]"`, `"token":"[REDACTED]"`,
		"<-- 503 Service Unavailable GET / (", "--> GET " + srv.URL + "/ (attempt 2)",
		"<-- 404 Not Found GET /rooms/missing (", `"error":"not-found"`,
		`"room_name":"dbg"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("wire log lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<-- 200 OK POST /rooms \(\d`).MatchString(out) {
		t.Error("wire log lacks the status and duration of POST /rooms")
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("structured log lacks the retry:\n%s", logs.String())
	}
	if t.Failed() {
		t.Logf("wire log:\n%s", out)
	}
}
