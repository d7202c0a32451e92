package servecmd

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// TestServeWarmRoomsLocalTokensAndWarmBots: with --warm-rooms, --tokens local and
// --warm-bots, calls connect through pooled rooms and bots started ahead, and the only
// requests serve makes to Daily during the calls are the pool's refills.
func TestServeWarmRoomsLocalTokensAndWarmBots(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	addr, secret := freeAddr(t), testSecret("route")
	routeTo(t, e, addr, secret)
	r := startServe(t, e, nil, "--addr", addr, "--bot-cmd", stdinBotCmd(t), "--tokens", "local", "--warm-rooms", "3", "--pool-refill", "20", "--warm-bots", "2")
	reg := r.srv.Metrics()
	testkit.Eventually(t, "a full pool and 2 warm bots", func() bool {
		return gauge(reg, "dialin_serve_room_pool_size") == 3 && gauge(reg, "dialin_serve_warm_bots_waiting") == 2
	})
	e.Server.ResetRequests()
	connectCalls(t, e, r, 3)
	if got := gauge(reg, "dialin_serve_room_pool_hits_total"); got != 3 {
		t.Errorf("room pool hits = %v, want 3", got)
	}
	if got := gauge(reg, "dialin_serve_warm_bot_hits_total"); got < 2 {
		t.Errorf("warm bot hits = %v, want at least 2", got)
	}
	for _, req := range e.Server.Requests() {
		if req.Path == "/meeting-tokens" || (req.Path == "/rooms" && req.Method != "POST") {
			t.Errorf("unexpected request during the calls: %s %s", req.Method, req.Path)
		}
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	out := r.errOut.String()
	if !strings.Contains(out, "warm rooms: 3") || !strings.Contains(out, "warm bots: 2") {
		t.Errorf("the banner does not mention the warm rooms and bots:\n%s", out)
	}
	noSecrets(t, out, e.Server.APIKey, secret)
}

func TestServeWarmBotsRefusePlaceholders(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	err := cmdtest.Exec(NewCmdServe(e.Factory, nil), "--addr", freeAddr(t), "--bot-cmd", botCmd(t, ""), "--warm-bots", "2")
	if err == nil || !strings.Contains(err.Error(), "--warm-bots: rule default:") || !strings.Contains(err.Error(), "{room_url}") {
		t.Fatalf("err = %v", err)
	}
	for _, args := range [][]string{{"--warm-rooms", "-1"}, {"--warm-bots", "100000"}, {"--pool-refill", "50"}, {"--pool-room-lifetime", "1s"}} {
		err := cmdtest.Exec(NewCmdServe(e.Factory, nil), append([]string{"--bot-cmd", "x"}, args...)...)
		if err == nil || !strings.Contains(err.Error(), args[0]+":") {
			t.Errorf("%v: err = %v", args, err)
		}
	}
}

// gauge sums every series of the metric name.
func gauge(reg *prometheus.Registry, name string) float64 {
	fams, _ := reg.Gather()
	sum := 0.0
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if m.Gauge != nil {
				sum += m.Gauge.GetValue()
			} else if m.Counter != nil {
				sum += m.Counter.GetValue()
			}
		}
	}
	return sum
}
