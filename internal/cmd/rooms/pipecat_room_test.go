package rooms

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
)

// pipecatRoom is the body pipecat.runner.daily.configure() sends: exp is time.time() + an
// hour, a fractional number of seconds (issue: `rooms list` failed to decode it).
const pipecatRoom = `{"name":"pipecat-call","privacy":"public","properties":{"exp":1796595609.6178238,"eject_at_room_exp":true,` +
	`"sip":{"display_name":"+15550001111","sip_mode":"dial-in","video":false,"num_endpoints":1}}}`

// A room Pipecat made lists and gets like any other; its exp shows as the whole second.
func TestListAndGetARoomPipecatMade(t *testing.T) {
	env, _ := newEnv(t)
	req, _ := http.NewRequest("POST", env.Server.URL+"/rooms", strings.NewReader(pipecatRoom))
	req.Header.Set("Authorization", "Bearer "+env.Server.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the emulator refused Pipecat's room: %d %s", resp.StatusCode, body)
	}
	run := func(args ...string) string {
		t.Helper()
		env.Out.Reset()
		if err := cmdtest.Exec(NewCmdRooms(env.Factory), args...); err != nil {
			t.Fatalf("rooms %v: %v\n%s", args, err, env.ErrOut)
		}
		return env.Out.String()
	}
	const host = "@dailytest.sip.dailytest.localhost"
	want := "pipecat-call\thttps://dailytest.daily.co/pipecat-call\tsip:pipecat-call.0" + host + "\t2026-03-14T09:26:53Z\t2026-12-06T22:20:09Z\n"
	if got := run("list"); got != want {
		t.Fatalf("rooms list = %q, want %q", got, want)
	}
	if got := run("get", "pipecat-call"); got != want {
		t.Fatalf("rooms get = %q, want %q", got, want)
	}
	if got := run("list", "--jq", ".[0].config.exp"); got != "1796595609\n" {
		t.Fatalf("rooms list --jq .[0].config.exp = %q", got)
	}
	noOutput(t, env.ErrOut)
}
