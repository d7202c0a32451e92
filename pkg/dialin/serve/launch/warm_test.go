package launch

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dialin-project/dialin/internal/testkit"
)

type warmFixture struct {
	w    *Warm
	reg  *prometheus.Registry
	dir  string
	logs *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newWarmFixture(t *testing.T, warm int, plan string, tune func(*WarmConfig), extraEnv ...string) *warmFixture {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env, dir := warmEnv(t, plan, extraEnv...)
	f := &warmFixture{reg: prometheus.NewRegistry(), dir: dir, logs: &lockedBuffer{}}
	cfg := WarmConfig{
		ProcessConfig: ProcessConfig{Argv: []string{self, "--fixed-arg"}, Env: env, APIURL: "http://127.0.0.1:1/v1", APIKey: "the-api-key", Patch: "bot",
			Logger: slog.New(slog.NewJSONHandler(f.logs, nil))},
		Warm: warm, Rule: "r1", Registerer: f.reg, AcceptTimeout: 500 * time.Millisecond, StartTimeout: 20 * time.Second,
	}
	if tune != nil {
		tune(&cfg)
	}
	if f.w, err = NewWarm(cfg); err != nil {
		t.Fatal(err)
	}
	if err := f.w.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.w.Close(); err != nil {
			t.Error(err)
		}
		for _, r := range warmRecords(t, dir) { // bots that took a call are left running by Close
			if p, err := os.FindProcess(r.PID); err == nil {
				_ = p.Kill()
			}
		}
	})
	return f
}

// metric returns the value of the series of name for rule r1 and, if given, reason.
func (f *warmFixture) metric(t *testing.T, name string, reason ...string) float64 {
	t.Helper()
	fams, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range fams {
		if fam.GetName() != name {
			continue
		}
	series:
		for _, m := range fam.GetMetric() {
			for _, lp := range m.GetLabel() {
				if (lp.GetName() == "rule" && lp.GetValue() != "r1") || (lp.GetName() == "reason" && len(reason) > 0 && lp.GetValue() != reason[0]) {
					continue series
				}
			}
			if m.Gauge != nil {
				return m.Gauge.GetValue()
			}
			return m.Counter.GetValue()
		}
	}
	return 0
}

var testCall = CallInfo{RoomURL: "https://d.daily.co/room", Token: "tok.secret.value", CallID: "call-1", CallDomain: "dom-1",
	SIPURI: "room.0@sip", From: "+15550001111", To: "+14155550100", SIPHeaders: map[string]string{"X-A": "b"}}

func waitBot(t *testing.T, b *Bot) Exit {
	t.Helper()
	select {
	case e := <-b.Exited:
		return e
	case <-time.After(20 * time.Second):
		t.Fatal("bot did not exit")
	}
	return Exit{}
}

func TestWarmHandsTheCallToABotStartedAhead(t *testing.T) {
	t.Parallel()
	f := newWarmFixture(t, 2, "ok", nil)
	testkit.Eventually(t, "2 warm bots waiting", func() bool { return f.w.Waiting() == 2 })
	bot, err := f.w.Launch(context.Background(), testCall)
	if err != nil {
		t.Fatal(err)
	}
	if e := waitBot(t, bot); e.Code != 0 {
		t.Fatalf("bot exit %+v", e)
	}
	recs := warmRecords(t, f.dir)
	if len(recs) != 1 || recs[0].PID != bot.PID || recs[0].Seq > 1 {
		t.Fatalf("records %+v, bot pid %d: the call should go to one of the two bots started ahead", recs, bot.PID)
	}
	r := recs[0]
	if r.Stdin != string(testCall.JSON()) {
		t.Errorf("stdin = %q, want the call's JSON line", r.Stdin)
	}
	if strings.Join(r.Argv[1:], " ") != "--fixed-arg" {
		t.Errorf("argv = %q", r.Argv)
	}
	want := map[string]string{"DIALIN_WARM": "1", "DIALIN_PATCH": "bot", "DAILY_API_URL": "http://127.0.0.1:1/v1", "DAILY_API_KEY": "the-api-key"}
	for k, v := range want {
		if r.Env[k] != v {
			t.Errorf("env %s = %q, want %q", k, r.Env[k], v)
		}
	}
	for k := range r.Env {
		if _, ok := want[k]; !ok {
			t.Errorf("env %s should not reach a warm bot (inherited, or a call value it cannot know)", k)
		}
	}
	if f.metric(t, "dialin_serve_warm_bot_hits_total") != 1 || f.metric(t, "dialin_serve_warm_bot_misses_total") != 0 {
		t.Error("hit/miss metrics wrong")
	}
	testkit.Eventually(t, "the used bot replaced", func() bool { return f.w.Waiting() == 2 })
	logs := f.logs.String()
	if strings.Contains(logs, testCall.Token) || strings.Contains(logs, "the-api-key") {
		t.Error("the token or the API key reached the logs")
	}
	if !strings.Contains(logs, `my token is [redacted] and my key is [redacted]`) || !strings.Contains(logs, `"call_id":"call-1"`) {
		t.Errorf("bot output not logged with its call and redactions: %s", logs)
	}
	if strings.Contains(logs, WarmWaitingLine) || strings.Contains(logs, WarmAcceptedLine) {
		t.Error("protocol lines should not be logged as bot output")
	}
}

func TestWarmBotThatDiesIsReplacedAndNeverHandedACall(t *testing.T) {
	t.Parallel()
	f := newWarmFixture(t, 2, "die,die,ok", nil)
	testkit.Eventually(t, "two dead bots replaced by waiting ones", func() bool {
		return f.metric(t, "dialin_serve_warm_bot_failures_total", "died") == 2 && f.w.Waiting() == 2
	})
	bot, err := f.w.Launch(context.Background(), testCall)
	if err != nil {
		t.Fatal(err)
	}
	waitBot(t, bot)
	recs := warmRecords(t, f.dir)
	if len(recs) != 1 || recs[0].Step != "ok" || recs[0].Seq < 2 {
		t.Fatalf("the call went to %+v; want one of the replacement bots", recs)
	}
}

func TestWarmBotHangingOnStdinIsKilledAndTheCallGoesToAnother(t *testing.T) {
	t.Parallel()
	// Bot 0 says it waits but never reads; bot 1 starts later, so bot 0 is the oldest.
	f := newWarmFixture(t, 2, "hang,ok", nil, warmBotDelay+"=300ms")
	testkit.Eventually(t, "2 warm bots waiting", func() bool { return f.w.Waiting() == 2 })
	hung := f.w.idlePIDs()[0]
	bot, err := f.w.Launch(context.Background(), testCall)
	if err != nil {
		t.Fatal(err)
	}
	waitBot(t, bot)
	recs := warmRecords(t, f.dir)
	if len(recs) != 1 || recs[0].PID != bot.PID || recs[0].Seq != 1 || recs[0].Env["DIALIN_WARM"] != "1" {
		t.Fatalf("records %+v: the call should go to the other warm bot", recs)
	}
	// It was sent SIGKILL before the call moved on; the kernel may take a moment to reap it.
	testkit.Eventually(t, fmt.Sprintf("the hung bot %d to be gone", hung), func() bool { return !alive(hung) })
	if f.metric(t, "dialin_serve_warm_bot_failures_total", "hung_accept") != 1 || f.metric(t, "dialin_serve_warm_bot_hits_total") != 1 {
		t.Error("metrics should count one hung bot and one hit")
	}
}

func TestWarmBotsThatNeverAcknowledgeFallBackToAColdStart(t *testing.T) {
	t.Parallel()
	// Every warm bot reads the call and goes silent; after two tries the call gets a bot
	// started for it, which (cold) reads its call the same way and answers.
	f := newWarmFixture(t, 2, "noack,noack,ok", func(c *WarmConfig) { c.AcceptTimeout = 200 * time.Millisecond })
	testkit.Eventually(t, "2 warm bots waiting", func() bool { return f.w.Waiting() == 2 })
	silent := f.w.idlePIDs()
	bot, err := f.w.Launch(context.Background(), testCall)
	if err != nil {
		t.Fatal(err)
	}
	waitBot(t, bot)
	recs := warmRecords(t, f.dir)
	if len(recs) != 1 || recs[0].Env["DIALIN_WARM"] != "" || recs[0].Env["DIALIN_CALL_ID"] != "call-1" {
		t.Fatalf("records %+v: want only the cold-started bot with the call", recs)
	}
	for _, pid := range silent {
		if alive(pid) {
			t.Errorf("bot %d read the call without acknowledging it and is still running", pid)
		}
	}
	if f.metric(t, "dialin_serve_warm_bot_failures_total", "hung_accept") != 2 || f.metric(t, "dialin_serve_warm_bot_misses_total") != 1 {
		t.Error("metrics should count two hung bots and one miss")
	}
}

func TestWarmBotThatNeverSaysItWaitsIsKilledAndReplaced(t *testing.T) {
	t.Parallel()
	f := newWarmFixture(t, 1, "silent,ok", func(c *WarmConfig) { c.StartTimeout = 300 * time.Millisecond })
	testkit.Eventually(t, "a replacement waiting", func() bool { return f.w.Waiting() == 1 })
	if f.metric(t, "dialin_serve_warm_bot_failures_total", "hung_start") != 1 {
		t.Error("the silent bot should count as hung_start")
	}
}

func TestWarmWithNoBotWaitingStartsOneForTheCall(t *testing.T) {
	t.Parallel()
	f := newWarmFixture(t, 1, "ok", nil, warmBotDelay+"=1h") // no warm bot gets ready in time
	bot, err := f.w.Launch(context.Background(), testCall)
	if err != nil {
		t.Fatal(err)
	}
	if bot.PID == 0 || f.metric(t, "dialin_serve_warm_bot_misses_total") != 1 {
		t.Fatalf("want a cold start counted as a miss, got pid %d", bot.PID)
	}
	_ = killPID(bot.PID)
}

func TestWarmCloseKillsIdleBotsAndLeavesCallsAlone(t *testing.T) {
	t.Parallel()
	f := newWarmFixture(t, 2, "ok", nil, warmBotStay+"=1h")
	testkit.Eventually(t, "2 warm bots waiting", func() bool { return f.w.Waiting() == 2 })
	bot, err := f.w.Launch(context.Background(), testCall)
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "a replacement", func() bool { return f.w.Waiting() == 2 })
	idle := f.w.idlePIDs()
	if err := f.w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range idle {
		if alive(pid) {
			t.Errorf("idle bot %d survived Close", pid)
		}
	}
	if !alive(bot.PID) {
		t.Error("the bot running a call was killed by Close")
	}
	_ = killPID(bot.PID)
}

func TestNewWarmRefusesPlaceholders(t *testing.T) {
	t.Parallel()
	_, err := NewWarm(WarmConfig{ProcessConfig: ProcessConfig{Command: "/bin/true -u {room_url}"}, Warm: 1})
	if err == nil || !strings.Contains(err.Error(), "{room_url}") {
		t.Fatalf("err = %v", err)
	}
}

func killPID(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

// idlePIDs lists the waiting bots, oldest first.
func (w *Warm) idlePIDs() []int {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []int
	for _, b := range w.idle {
		out = append(out, b.pid)
	}
	return out
}
