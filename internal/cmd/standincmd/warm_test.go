package standincmd

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
)

// A bot waiting for its call opens its connection to the emulator during its start-up, and
// its report of bot_started goes over it: the report measures the hand-off, not a first
// connection.
func TestStandinBotWaitingForItsCallIsConnectedAlready(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t, dailytest.WithReadyDelay(10*time.Millisecond))
	srv := env.Server
	// A proxy in front of the emulator notes the connection each request came on.
	target, err := url.Parse(control.Root(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	conns := map[string]string{} // path → the client's address of its first request
	sawClock := make(chan struct{})
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		key := r.Method + " " + r.URL.Path
		if _, ok := conns[key]; !ok {
			conns[key] = r.RemoteAddr
			if key == "GET /_emulator/clock" {
				close(sawClock)
			}
		}
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	cfg := env.LoadConfig(t)
	if _, err := cfg.Set("api_url", front.URL+"/v1"); err != nil {
		t.Fatal(err)
	}

	callID, room, token := heldCall(t, srv, "+14155550124")
	stdin, feed := io.Pipe()
	env.IO.In = stdin
	done := make(chan error, 1)
	go func() { done <- cmdtest.Exec(NewCmdStandinBot(env.Factory, nil), "--talk-time", "10ms") }()
	select {
	case <-sawClock:
	case err := <-done:
		t.Fatalf("the bot ended before it reached the emulator: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the bot did not reach the emulator while it waited for its call")
	}
	fmt.Fprintf(feed, `{"room_url":%q,"token":%q,"call_id":%q,"call_domain":%q,"sip_uri":%q}`+"\n",
		room.URL, token, callID, srv.DomainID(), room.Config.SIPURI.Endpoints()[0])
	if err := <-done; err != nil {
		t.Fatalf("standin-bot: %v (stderr %s)", err, env.ErrOut)
	}
	mu.Lock()
	defer mu.Unlock()
	mark := "POST /_emulator/calls/" + callID + "/mark"
	if conns[mark] == "" || conns[mark] != conns["GET /_emulator/clock"] {
		t.Fatalf("bot_started reported from %q, the start-up's connection was %q", conns[mark], conns["GET /_emulator/clock"])
	}
	if !strings.Contains(env.Out.String(), "dialin:accepted") {
		t.Fatalf("stdout %q: the call was not acknowledged", env.Out.String())
	}
}
