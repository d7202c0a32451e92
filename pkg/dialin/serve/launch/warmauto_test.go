package launch

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
)

// An auto rule proves the command with one bot, keeps the floor, grows with a burst of calls
// (rate × start-up × headroom) and gives the surplus back once the rate has fallen.
func TestAutoWarmFollowsTheCallRate(t *testing.T) {
	t.Parallel()
	f := newWarmFixture(t, 0, "ok", func(c *WarmConfig) { c.Auto, c.window = true, 3*time.Second },
		warmBotDelay+"=400ms", warmBotStay+"=10ms")
	testkit.Eventually(t, "the floor of warm bots", func() bool { return f.w.Waiting() == AutoWarmFloor })
	if !strings.Contains(f.logs.String(), "the bot speaks the warm contract") {
		t.Fatalf("no word that the command was taken for a warm bot:\n%s", f.logs)
	}
	const calls = 24 // 8 per second over the window: 8 × ~0.4 s × 2 ≈ 7 bots
	bots := make(chan *Bot, calls)
	for range calls {
		go func() {
			bot, err := f.w.Launch(context.Background(), testCall)
			if err != nil {
				t.Error(err)
			}
			bots <- bot
		}()
	}
	for range calls {
		if bot := <-bots; bot != nil {
			waitBot(t, bot)
		}
	}
	testkit.Eventually(t, "the target above the floor", func() bool {
		return f.metric(t, "dialin_serve_warm_bots_target") > AutoWarmFloor
	})
	testkit.EventuallyWithin(t, 20*time.Second, "the pool grown to its target", func() bool {
		return f.w.Waiting() >= AutoWarmFloor+1
	})
	testkit.EventuallyWithin(t, 20*time.Second, "the surplus given back once the calls stopped", func() bool {
		return f.metric(t, "dialin_serve_warm_bots_target") == AutoWarmFloor && f.w.Waiting() == AutoWarmFloor
	})
}

// A command that does not speak the warm contract (its bot exits before it says it waits)
// costs one bot: the rule then starts a bot per call and keeps none waiting.
func TestAutoWarmFallsBackToABotPerCall(t *testing.T) {
	t.Parallel()
	f := newWarmFixture(t, 0, "exit,ok", func(c *WarmConfig) { c.Auto = true })
	testkit.Eventually(t, "the probe's failure noticed", func() bool {
		return strings.Contains(f.logs.String(), "the bot does not speak the warm contract")
	})
	bot, err := f.w.Launch(context.Background(), testCall)
	if err != nil {
		t.Fatal(err)
	}
	waitBot(t, bot)
	if recs := warmRecords(t, f.dir); len(recs) != 1 || recs[0].Seq != 1 || recs[0].Env["DIALIN_WARM"] != "" {
		t.Fatalf("records %+v: the call should get a bot started for it, the second process", recs)
	}
	if f.metric(t, "dialin_serve_warm_bot_misses_total") != 1 || f.metric(t, "dialin_serve_warm_bots_target") != 0 ||
		f.w.Waiting() != 0 || f.metric(t, "dialin_serve_warm_bots_starting") != 0 {
		t.Fatal("an auto rule whose bot is not a warm bot should keep none")
	}
	if strings.Contains(f.logs.String(), `"level":"WARN"`) {
		t.Fatalf("finding out is not a warning:\n%s", f.logs)
	}
}
