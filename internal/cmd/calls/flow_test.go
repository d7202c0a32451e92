package calls

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmd/rooms"
	"github.com/dialin-project/dialin/internal/cmd/tokens"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
)

// heldCall routes a purchased number to a loopback webhook that answers 200 (the test plays
// the bot) and places a call to it; the call waits on hold.
func heldCall(t *testing.T, env *cmdtest.Env) string {
	t.Helper()
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(hook.Close)
	c, err := env.Factory.DailyClient()
	if err != nil {
		t.Fatal(err)
	}
	num, err := c.BuyNumber(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetPinlessDialin(t.Context(), []daily.PinlessDialinEntry{{PhoneNumber: num.Number, RoomCreationAPI: hook.URL + "/dialin"}}); err != nil {
		t.Fatal(err)
	}
	id, err := env.Server.PlaceCall(dailytest.CallSpec{To: num.Number, From: "+15550001111"})
	if err != nil {
		t.Fatal(err)
	}
	if rec, _ := env.Server.Call(id); rec.State != dailytest.CallHeld {
		t.Fatalf("call %s is %q, want held", id, rec.State)
	}
	return id
}

// run executes a command line of another noun on the same world and returns its stdout.
func run(t *testing.T, env *cmdtest.Env, cmdArgs ...string) string {
	t.Helper()
	env.Out.Reset()
	var err error
	switch cmdArgs[0] {
	case "rooms-create":
		err = cmdtest.Exec(rooms.NewCmdCreate(env.Factory, nil), cmdArgs[1:]...)
	case "tokens-create":
		err = cmdtest.Exec(tokens.NewCmdCreate(env.Factory, nil), cmdArgs[1:]...)
	}
	if err != nil {
		t.Fatalf("%v: %v", cmdArgs, err)
	}
	return strings.TrimSpace(env.Out.String())
}

// participant is the room's participant at the emulator, with a meeting token.
func participant(env *cmdtest.Env, room, token string) *control.Participant {
	return control.New(env.Server.URL, "", nil).Participant(room, token)
}

// roomWithParticipant creates a SIP dial-in room with `rooms create`, mints a token with
// `tokens create --local` and joins the room with it; it returns the room's SIP URI.
func roomWithParticipant(t *testing.T, env *cmdtest.Env, name string) string {
	t.Helper()
	sipURI := run(t, env, "rooms-create", "--sip", "--name", name, "--exp", "1h", "--jq", ".sip_endpoints[0]")
	token := run(t, env, "tokens-create", "--room", name, "--local", "--exp", "10m")
	if _, err := participant(env, name, token).Join(t.Context()); err != nil {
		t.Fatal(err)
	}
	return sipURI
}

// waitReady long-polls the emulator (with a participant's token) until the room's SIP
// endpoint is ready, as a bot waits for dialin-ready.
func waitReady(t *testing.T, env *cmdtest.Env, room, sipURI string) {
	t.Helper()
	token := run(t, env, "tokens-create", "--room", room)
	ready, err := participant(env, room, token).Ready(t.Context(), 10*time.Second)
	if err != nil || len(ready) != 1 || ready[0] != sipURI {
		t.Fatalf("ready = %v (%v), want [%s]", ready, err, sipURI)
	}
}

func TestUpdateConnectsHeldCall(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	id := heldCall(t, env)
	sipURI := roomWithParticipant(t, env, "patch-room")
	if !strings.HasPrefix(sipURI, "sip:patch-room.0@") {
		t.Fatalf("SIP URI %q", sipURI)
	}
	waitReady(t, env, "patch-room", sipURI)
	env.Out.Reset()
	env.ErrOut.Reset()

	// The URI without its sip: prefix, as Daily's sip_uri.endpoint may come.
	args := []string{"--call-id", id, "--call-domain", env.Server.DomainID(), "--sip-uri", strings.TrimPrefix(sipURI, "sip:")}
	if err := cmdtest.Exec(NewCmdUpdate(env.Factory, nil), args...); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	rec, err := env.Server.WaitCall(ctx, id, dailytest.CallConnected)
	if err != nil || rec.Room != "patch-room" {
		t.Fatalf("call %+v: %v", rec, err)
	}
	if got := env.ErrOut.String(); got != "✓ Call "+id+" patched into "+sipURI+"\n" {
		t.Fatalf("stderr = %q", got)
	}
	if env.Out.Len() != 0 {
		t.Fatalf("stdout = %q", env.Out)
	}

	// A second update for the same call is the bug the hint names: refused, call unchanged.
	err = cmdtest.Exec(NewCmdUpdate(env.Factory, nil), args...)
	if !daily.IsNotFound(err) || hintOf(err) != forwardFailedHint {
		t.Fatalf("second update: %v (hint %q)", err, hintOf(err))
	}
	if rec, _ := env.Server.Call(id); rec.State != dailytest.CallConnected {
		t.Fatalf("after a second update the call is %q", rec.State)
	}
}

func TestUpdateJSONOnSuccess(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	id := heldCall(t, env)
	sipURI := roomWithParticipant(t, env, "json-room")
	waitReady(t, env, "json-room", sipURI)
	env.Out.Reset()
	if err := cmdtest.Exec(NewCmdUpdate(env.Factory, nil), "--call-id", id, "--call-domain", env.Server.DomainID(), "--sip-uri", sipURI, "--json"); err != nil {
		t.Fatal(err)
	}
	var got UpdateJSON
	if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if want := (UpdateJSON{CallID: id, CallDomain: env.Server.DomainID(), SIPURI: sipURI, Updated: true}); got != want {
		t.Fatalf("json = %+v, want %+v", got, want)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := env.Server.WaitCall(ctx, id, dailytest.CallConnected); err != nil {
		t.Fatal(err)
	}
}

func TestUpdateTooEarlyDropsCall(t *testing.T) {
	t.Parallel()
	// The endpoint exists but is not ready yet (ready an hour after the join): Daily answers
	// 404 and drops the call, which is why the hint insists on dialin-ready.
	env := cmdtest.New(t, dailytest.WithReadyDelay(time.Hour))
	id := heldCall(t, env)
	sipURI := roomWithParticipant(t, env, "early-room")
	err := cmdtest.Exec(NewCmdUpdate(env.Factory, nil), "--call-id", id, "--call-domain", env.Server.DomainID(), "--sip-uri", sipURI)
	if !daily.IsNotFound(err) || hintOf(err) != forwardFailedHint {
		t.Fatalf("err = %v (hint %q)", err, hintOf(err))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := env.Server.WaitCall(ctx, id, dailytest.CallDropped); err != nil {
		rec, _ := env.Server.Call(id)
		t.Fatalf("call is %q, want dropped: %v", rec.State, err)
	}
}
