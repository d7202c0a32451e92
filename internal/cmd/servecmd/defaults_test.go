package servecmd

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
)

// TestServeDefaultsAreFast: with no tuning flag, serve signs tokens locally (Daily accepted
// the start-up check's token) and keeps an auto room pool at its floor, so a call's room
// and token cost no request to Daily: the calls hit the pool and no token is asked for.
func TestServeDefaultsAreFast(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	addr, secret := freeAddr(t), testSecret("route")
	routeTo(t, e, addr, secret)
	r := startServe(t, e, nil, "--addr", addr, "--bot-cmd", botCmd(t, ""), "--log-format", "text")
	reg := r.srv.Metrics()
	testkit.Eventually(t, "the pool at its floor of 2", func() bool {
		return gauge(reg, "dialin_serve_room_pool_size") == 2 && gauge(reg, "dialin_serve_room_pool_target") == 2
	})
	e.Server.ResetRequests()
	connectCalls(t, e, r, 2)
	if hits, misses := gauge(reg, "dialin_serve_room_pool_hits_total"), gauge(reg, "dialin_serve_room_pool_misses_total"); hits != 2 || misses != 0 {
		t.Errorf("room pool hits %v misses %v, want every call's room from the pool", hits, misses)
	}
	if n := e.Server.Count(http.MethodPost, "/meeting-tokens"); n != 0 {
		t.Errorf("%d meeting tokens asked of Daily during the calls, want 0 (signed locally)", n)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	out := r.errOut.String()
	if !strings.Contains(out, "warm rooms: auto for 1 rule") || !strings.Contains(out, "tokens auto") {
		t.Errorf("the banner does not show the fast defaults:\n%s", out)
	}
	if strings.Contains(out, "warm bots") {
		t.Errorf("a command that takes its call in its arguments cannot be a warm bot:\n%s", out)
	}
}

// TestServeDefaultWarmBots: with no tuning flag, a bot command that reads its call from
// stdin is tried as a warm bot; it speaks the contract, so serve keeps the floor of warm bots
// and calls go to them.
func TestServeDefaultWarmBots(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	addr, secret := freeAddr(t), testSecret("route")
	routeTo(t, e, addr, secret)
	r := startServe(t, e, nil, "--addr", addr, "--bot-cmd", stdinBotCmd(t), "--log-format", "text")
	reg := r.srv.Metrics()
	testkit.Eventually(t, "the floor of warm bots", func() bool {
		return gauge(reg, "dialin_serve_warm_bots_waiting") == launch.AutoWarmFloor
	})
	id, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550000001"})
	if err != nil {
		t.Fatal(err)
	}
	if rec := waitCall(t, e, id, "connected", "lost", "dropped"); rec.State != "connected" {
		t.Fatalf("call not connected: %s %+v\n%s", rec.State, rec.Timeline, r.errOut)
	}
	if hits, misses := gauge(reg, "dialin_serve_warm_bot_hits_total"), gauge(reg, "dialin_serve_warm_bot_misses_total"); hits != 1 || misses != 0 {
		t.Errorf("warm bot hits %v misses %v, want the call handed to a warm bot", hits, misses)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	out := r.errOut.String()
	if !strings.Contains(out, "warm bots: auto for 1 rule") || !strings.Contains(out, "the bot speaks the warm contract") {
		t.Errorf("the banner and log do not say the bots are kept warm:\n%s", out)
	}
}

// TestServeRESTTokensAndNoPoolIsTheOldMode: --tokens rest --warm-rooms 0 makes each call's
// room and token with a request to Daily, and keeps no pool.
func TestServeRESTTokensAndNoPoolIsTheOldMode(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	addr, secret := freeAddr(t), testSecret("route")
	routeTo(t, e, addr, secret)
	r := startServe(t, e, nil, "--addr", addr, "--bot-cmd", botCmd(t, ""), "--tokens", "rest", "--warm-rooms", "0")
	id, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550000001"})
	if err != nil {
		t.Fatal(err)
	}
	rec := waitCall(t, e, id, "connected", "lost", "dropped")
	if _, ok := rec.At("connected"); !ok {
		t.Fatalf("call not connected: %s %+v\n%s", rec.State, rec.Timeline, r.errOut)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if rooms, tokens := e.Server.Count(http.MethodPost, "/rooms"), e.Server.Count(http.MethodPost, "/meeting-tokens"); rooms != 1 || tokens != 1 {
		t.Errorf("one call made %d rooms and %d tokens, want 1 and 1 (no pool, REST tokens)", rooms, tokens)
	}
	if strings.Contains(r.errOut.String(), "warm rooms") {
		t.Errorf("--warm-rooms 0 still keeps a pool:\n%s", r.errOut)
	}
}
