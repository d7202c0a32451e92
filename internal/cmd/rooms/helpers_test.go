package rooms

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// start is the emulator's (manual) clock at the beginning of every test.
var start = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// newEnv is an emulator on a manual clock from start, with the factory's Now reading it.
func newEnv(t *testing.T) (*cmdtest.Env, *dailytest.ManualClock) {
	return cmdtest.NewWithClock(t, start)
}

// mustCreate creates a room directly through the client (setup, not the command under test).
func mustCreate(t *testing.T, env *cmdtest.Env, req daily.CreateRoomRequest) daily.Room {
	t.Helper()
	r, err := env.Client(t).CreateRoom(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return *r
}

func sipRoom(name string, endpoints int) daily.CreateRoomRequest {
	return daily.CreateRoomRequest{Name: name, Properties: daily.RoomProperties{
		SIP: &daily.SIPProperties{DisplayName: "Caller", SIPMode: "dial-in", NumEndpoints: endpoints}}}
}

func reset(env *cmdtest.Env) {
	env.Out.Reset()
	env.ErrOut.Reset()
	env.Server.ResetRequests()
}

func noOutput(t *testing.T, bufs ...*bytes.Buffer) {
	t.Helper()
	for _, b := range bufs {
		if b.Len() != 0 {
			t.Fatalf("unexpected output %q", b)
		}
	}
}
