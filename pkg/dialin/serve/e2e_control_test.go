package serve

import (
	"context"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
)

// A control character in To, From or a SIP header is refused with 400 before anything is
// made: no room, no bot, the same answer everywhere. (A NUL in From used to reach the rules,
// the logs and the bot's stdin as is, but argv and the environment without it.)
func TestControlCharactersRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	cases := []struct {
		to, from string
		headers  map[string]string
		field    string
	}{
		{testNumber, "+1555\x00000111", nil, "field From"},
		{testNumber, "+15550001111\n", nil, "field From"},
		{"+1415555\x000100", "+15550001111", nil, "field To"},
		{testNumber, "+15550001111", map[string]string{"X-Evil": "a\r\nInjected: 1"}, "field sipHeaders.X-Evil"},
		{testNumber, "+15550001111", map[string]string{"X-\x1b[2J": "v"}, "field sipHeaders"},
	}
	for i, c := range cases {
		id := "call-ctl-" + string(rune('a'+i))
		code, r := h.post("/dialin", callBody(id, c.to, c.from, c.headers), h.secret, "")
		if code != 400 || r.Status != "rejected" || !strings.Contains(r.Reason, c.field) || !strings.Contains(r.Reason, "control character") {
			t.Errorf("case %d: %d %+v, want 400 naming %s", i, code, r, c.field)
		}
	}
	if got := h.metric("dialin_serve_webhooks_rejected_total", "bad_body"); got != float64(len(cases)) {
		t.Errorf("rejected bad_body = %v, want %d", got, len(cases))
	}
	if n := len(h.events.of(EventReceived, "")); n != 0 {
		t.Errorf("%d calls received", n)
	}
	rooms, err := daily.Collect(h.client.Rooms(context.Background(), daily.RoomQuery{}))
	if err != nil || len(rooms) != 0 {
		t.Errorf("%d rooms made (%v)", len(rooms), err)
	}
}
