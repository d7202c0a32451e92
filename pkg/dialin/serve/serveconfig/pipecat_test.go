package serveconfig

import (
	"strings"
	"testing"
)

func TestParseSelfRoomBots(t *testing.T) {
	cfg, err := Parse("f.yaml", []byte(`rules:
  - name: runner
    match: {to: "+14155550100"}
    bot:
      pipecat:
        url: http://127.0.0.1:7860/start
        body: {lang: fr, greeting: {text: hi}}
        include_daily_key: false
        codecs: [OPUS]
  - name: cloud
    match: {to: "+14155550101"}
    bot: {pipecat_cloud: {agent: my-agent}, timeout: 45s}
default:
  bot: {forward: https://api.pipecat.daily.co/v1/public/webhooks/my-org/my-agent/dialin}
`))
	if err != nil {
		t.Fatal(err)
	}
	runner, cloud := cfg.Rules[0].Bot, cfg.Rules[1].Bot
	if runner.Pipecat == nil || runner.Pipecat.URL != "http://127.0.0.1:7860/start" || !runner.Pipecat.OmitDailyKey ||
		runner.Pipecat.Body["lang"] != "fr" || runner.Pipecat.Codecs[0] != "OPUS" {
		t.Fatalf("pipecat %+v", runner.Pipecat)
	}
	if cloud.Pipecat == nil || cloud.Pipecat.Agent != "my-agent" || cloud.Pipecat.OmitDailyKey || cloud.Timeout.Seconds() != 45 {
		t.Fatalf("pipecat_cloud %+v", cloud)
	}
	if cfg.Default.Bot.Forward == "" {
		t.Fatal("forward not read")
	}
}

func TestParseSelfRoomBotErrors(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"default: {bot: {pipecat: {url: http://bots.example.com/start}}}\n", "default.bot.pipecat: pipecat url \"http://bots.example.com/start\": plain http is allowed only to a loopback host"},
		{"default: {bot: {forward: http://hooks.example.com/dialin}}\n", "default.bot.forward: forward url"},
		{"default: {bot: {pipecat: {}}}\n", "default.bot.pipecat.url: required"},
		{"default: {bot: {pipecat: {url: https://x/start, body: {daily_api_key: k}}}}\n", "daily_api_key is set by serve from the call"},
		{"default: {bot: {pipecat: {url: https://x/start, body: [1]}}}\n", "default.bot.pipecat.body: must be a mapping"},
		{"default: {bot: {pipecat_cloud: {agent: a/b}}}\n", "default.bot.pipecat_cloud.agent: pipecat_cloud agent \"a/b\" must be an agent name"},
		{"default: {bot: {pipecat_cloud: {url: https://x}}}\n", "default.bot.pipecat_cloud.url: unknown field"},
		{"default: {bot: {pipecat: {url: https://x/start}, pipecat_cloud: {agent: a}}}\n", "give pipecat or pipecat_cloud, not both"},
		{"default: {bot: {cmd: bot, forward: https://x/y}}\n", "default.bot: give cmd or forward, not both"},
		{"default: {bot: {forward: https://x/y, warm: 2}}\n", "default.bot.warm: applies to cmd bots only"},
	}
	for _, c := range cases {
		_, err := Parse("f.yaml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

// A file's self-room bot problems are reported together, each with its line, and a URL's
// secret never appears in them.
func TestParseSelfRoomBotsEveryProblem(t *testing.T) {
	_, err := Parse("f.yaml", []byte(`rules:
  - name: cloud
    match: {to: "+14155550101"}
    bot: {pipecat_cloud: {}, timeout: 5m}
default:
  bot: {forward: "http://hooks.example.com/dialin?token=s3cr3t-hook-token", warm_start_timeout: 10s}
`))
	es := AsErrors(err)
	want := []string{
		"f.yaml:4: rules[0].bot.timeout: must be between 0s and 2m (got 5m)",
		"f.yaml:4: rules[0].bot.pipecat_cloud.agent: required",
		"f.yaml:6: default.bot.warm_start_timeout: applies to cmd bots only",
		`f.yaml:6: default.bot.forward: forward url "http://hooks.example.com/dialin?token=redacted": plain http`,
	}
	if len(es) != len(want) {
		t.Fatalf("%d problems, want %d: %v", len(es), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(es[i].Error(), w) || strings.Contains(es[i].Error(), "s3cr3t") {
			t.Errorf("problem %d:\n got %s\nwant %s", i, es[i], w)
		}
	}
}
