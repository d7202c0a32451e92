package standin

import (
	"context"
	"fmt"
	"time"

	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
)

// emulator is what the bot uses of the emulator: its call (with the API key) and its room
// (as a participant, with the meeting token).
type emulator struct {
	calls    *control.Client
	room     *control.Participant
	roomName string
	callID   string
}

// newEmulator checks that apiURL is the emulator on a loopback address.
func newEmulator(o Options, room string) (*emulator, error) {
	if err := control.CheckLoopback(o.APIURL); err != nil {
		return nil, fmt.Errorf("api_url: the stand-in bot talks only to the emulator on a loopback host: %w", err)
	}
	c := control.New(o.APIURL, o.APIKey, o.HTTPClient)
	return &emulator{calls: c, room: c.Participant(room, o.Token), roomName: room, callID: o.CallID}, nil
}

func (e *emulator) mark(ctx context.Context, name string) error {
	return e.calls.Mark(ctx, e.callID, name, "")
}

// ready long-polls for up to wait; nothing ready in time is (nil, nil).
func (e *emulator) ready(ctx context.Context, wait time.Duration) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, wait+10*time.Second)
	defer cancel()
	return e.room.Ready(ctx, wait)
}

// callState answers the call's state, waiting up to wait for one of until.
func (e *emulator) callState(ctx context.Context, wait time.Duration, until ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, wait+10*time.Second)
	defer cancel()
	rec, err := e.calls.WaitCall(ctx, e.callID, wait, until...)
	return rec.State, err
}
