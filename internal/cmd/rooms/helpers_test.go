package rooms

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// start is the emulator's (manual) clock at the beginning of every test.
var start = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// newEnv is an emulator on a manual clock, with the factory's Now reading the same clock.
func newEnv(t *testing.T) (*cmdtest.Env, *dailytest.ManualClock) {
	t.Helper()
	clock := dailytest.NewManualClock(start)
	env := cmdtest.New(t, dailytest.WithClock(clock))
	env.Factory.Now = clock.Now
	return env, clock
}

// testFactory is a factory for flag-parsing tests: no emulator, a fixed Now.
func testFactory() *cmdutil.Factory {
	ios, _, _, _ := iostreams.Test()
	return &cmdutil.Factory{IOStreams: ios, Now: func() time.Time { return start }}
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
