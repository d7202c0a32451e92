package testbot

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
)

// takeCall does what a telephony bot does with the emulator: report that it was handed the
// call, join the room with its meeting token, wait until a SIP endpoint is ready, and — when
// it was given an API key (serve's patch: bot mode) — patch the call into that endpoint.
func takeCall(rec *Record) {
	api := os.Getenv("DAILY_API_URL")
	key := os.Getenv("DAILY_API_KEY")
	callID := os.Getenv("DIALIN_CALL_ID")
	roomURL := os.Getenv("DIALIN_ROOM_URL")
	room := roomURL[strings.LastIndexByte(roomURL, '/')+1:]
	fail := func(format string, a ...any) { rec.Problems = append(rec.Problems, fmt.Sprintf(format, a...)) }
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	em := control.New(api, key, &http.Client{Timeout: 15 * time.Second})

	if key != "" {
		if err := em.Mark(ctx, callID, "bot_started", ""); err != nil {
			fail("mark: %v", err)
		}
	}
	p := em.Participant(room, os.Getenv("DIALIN_TOKEN"))
	if _, err := p.Join(ctx); err != nil {
		fail("join: %v", err)
		return
	}
	ready, err := p.Ready(ctx, 10*time.Second)
	if err != nil || len(ready) == 0 {
		fail("ready: %v %v", ready, err)
		return
	}
	rec.Ready = ready
	if key == "" {
		return
	}
	client := daily.New(key, daily.WithBaseURL(api))
	err = client.PinlessCallUpdate(ctx, daily.PinlessCallUpdateRequest{CallID: callID, CallDomain: os.Getenv("DIALIN_CALL_DOMAIN"), SIPURI: ready[0]})
	if err != nil {
		fail("pinlessCallUpdate: %v", err)
		return
	}
	rec.Patched = true
}
