package servecmd

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate/redistest"
)

func TestStateFlagChecks(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"http://127.0.0.1:6379":                 `--state: scheme "http": want redis:// or rediss://`,
		"redis://:hunter2@127.0.0.1:6379":       "--state: the URL must not hold the password: set DIALIN_REDIS_PASSWORD instead",
		"redis://127.0.0.1:6379?lease_ttl=10ms": "--state: lease_ttl: want a duration of at least 1s, such as 15s",
		"redis://127.0.0.1:6379?prefix=":        "--state: prefix: must not be empty",
	}
	for value, want := range cases {
		_, err := parseServe(t, "--bot-cmd", seedCmd, "--state", value)
		if err == nil || err.Error() != want {
			t.Errorf("--state %s: %v, want %q", value, err, want)
		}
	}
	for _, value := range []string{"memory", "redis://127.0.0.1:6379/0", "rediss://ops@redis.example:6380/1?prefix=acme:&lease_ttl=30s"} {
		if _, err := parseServe(t, "--bot-cmd", seedCmd, "--state", value); err != nil {
			t.Errorf("--state %s: %v", value, err)
		}
	}
}

func readyzOf(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Reason string }
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Reason
}

// --state redis://…: the password comes from the environment and is never printed, calls
// are recorded in Redis under the prefix, and /readyz follows Redis's reachability.
func TestServeStateRedis(t *testing.T) {
	t.Parallel()
	const password = "s3cret-redis-pw"
	srv := redistest.Start(t, "--requirepass", password)
	e := cmdtest.New(t, dailytest.WithReadyDelay(20*time.Millisecond), dailytest.WithoutRateLimit())
	addr, secret := freeAddr(t), testSecret("route")
	routeTo(t, e, addr, secret)
	state := srv.URL() + "?prefix=cmdtest:&lease_ttl=3s"
	r := startServe(t, e, map[string]string{"DIALIN_REDIS_PASSWORD": password},
		"--addr", addr, "--bot-cmd", botCmd(t, ""), "--state", state, "--log-format", "text")
	if code, why := readyzOf(t, r.url); code != http.StatusOK {
		t.Fatalf("/readyz with Redis up: %d %s", code, why)
	}
	id, err := e.Server.PlaceCall(dailytest.CallSpec{To: testNumber, From: "+15550001111"})
	if err != nil {
		t.Fatal(err)
	}
	if rec := waitCall(t, e, id, "connected", "lost", "dropped"); rec.State != "connected" {
		t.Fatalf("call not connected: %s %+v\n%s", rec.State, rec.Timeline, r.errOut)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), Password: password})
	defer rdb.Close()
	raw, err := rdb.HGet(context.Background(), "cmdtest:call:"+id, "r").Result()
	if err != nil || !strings.Contains(raw, `"call_id":"`+id+`"`) {
		t.Fatalf("the call's record in Redis: %q %v", raw, err)
	}
	// The call history is in the same Redis, under the prefix, with its TTL.
	testkit.Eventually(t, "the call's history in Redis", func() bool {
		h, err := rdb.Get(context.Background(), "cmdtest:history:call:"+id).Result()
		return err == nil && strings.Contains(h, `"callId":"`+id+`"`) && strings.Contains(h, `"kind":"bot_started"`)
	})
	if ttl, err := rdb.TTL(context.Background(), "cmdtest:history:call:"+id).Result(); err != nil || ttl <= 0 || ttl > DefaultCallHistoryTTL {
		t.Fatalf("history TTL %v %v", ttl, err)
	}

	if got := gaugeOf(t, r, "dialin_serve_state_round_trips_total"); got < 6 {
		t.Fatalf("state round trips counted: %v", got)
	}
	if got := gaugeOf(t, r, "dialin_serve_call_history_dropped_total"); got != 0 {
		t.Fatalf("call history events dropped: %v", got)
	}

	srv.Stop()
	if code, why := readyzOf(t, r.url); code != http.StatusServiceUnavailable || !strings.Contains(why, "redis unreachable") {
		t.Fatalf("/readyz with Redis down: %d %q", code, why)
	}
	if err := srv.StartAgain(); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "ready again once Redis is back", func() bool {
		code, _ := readyzOf(t, r.url)
		return code == http.StatusOK
	})
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	out := r.errOut.String()
	if !strings.Contains(out, "state: "+srv.URL()+` (prefix "cmdtest:", lease 3s)`) {
		t.Errorf("the banner does not say where the state is:\n%s", out)
	}
	noSecrets(t, out, e.Server.APIKey, secret, password)
}

// Without the password, serve starts but is not ready, and says why.
func TestServeStateRedisWithoutPassword(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, "--requirepass", "another-pw")
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	addr := freeAddr(t)
	routeTo(t, e, addr, testSecret("route"))
	r := startServe(t, e, nil, "--addr", addr, "--bot-cmd", botCmd(t, ""), "--state", srv.URL(), "--log-format", "text")
	code, why := readyzOf(t, r.url)
	if code != http.StatusServiceUnavailable || !strings.Contains(why, "redis unreachable") || !strings.Contains(why, "NOAUTH") {
		t.Fatalf("/readyz without the password: %d %q", code, why)
	}
	if !strings.Contains(r.errOut.String(), "Not ready: redis unreachable") {
		t.Fatalf("serve did not say it is not ready:\n%s", r.errOut)
	}
}

func gaugeOf(t *testing.T, r *running, name string) float64 {
	t.Helper()
	families, err := r.srv.Metrics().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}
