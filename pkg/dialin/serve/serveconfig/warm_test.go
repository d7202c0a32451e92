package serveconfig

import (
	"strings"
	"testing"
	"time"
)

func TestParseWarmRoomsAndBots(t *testing.T) {
	t.Parallel()
	c, err := Parse("serve.yaml", []byte(`pool: {rooms: 4, refill_per_second: 2.5, room_lifetime: 30m}
rules:
  - name: warm
    match: {to: "+1415*"}
    bot: {cmd: "python3 warm_bot.py", warm: 3, warm_start_timeout: 45s, warm_accept_timeout: 500ms}
    pool: {rooms: 10}
  - name: nopool
    match: {to: "+1212*"}
    bot: {url: "http://127.0.0.1:9000/start"}
    pool: {rooms: 0}
default:
  bot: {cmd: "./bot -u {room_url}"}
`))
	if err != nil {
		t.Fatal(err)
	}
	w := c.Rules[0]
	if w.Bot.Warm != 3 || w.Bot.WarmStartTimeout != 45*time.Second || w.Bot.WarmAcceptTimeout != 500*time.Millisecond {
		t.Errorf("warm bot: %+v", w.Bot)
	}
	if w.Pool.Rooms != 10 || w.Pool.RefillPerSecond != 2.5 || w.Pool.RoomLifetime != 30*time.Minute {
		t.Errorf("rule pool not merged with the defaults: %+v", w.Pool)
	}
	if c.Rules[1].Pool.Rooms != 0 {
		t.Errorf("pool.rooms: 0 should keep the rule out of the pool, got %+v", c.Rules[1].Pool)
	}
	if c.Default.Pool.Rooms != 4 {
		t.Errorf("default rule pool: %+v", c.Default.Pool)
	}
}

func TestWarmDefaults(t *testing.T) {
	t.Parallel()
	c, err := Parse("serve.yaml", []byte("default: {bot: {cmd: ./bot}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Default.Pool.Auto || c.Default.Pool.MinRooms != DefaultMinRooms || c.Default.Pool.Rooms != 0 || c.Default.Pool.RefillPerSecond != DefaultRefillPerSecond || c.Default.Pool.RoomLifetime != DefaultRoomLifetime || c.Default.Bot.Warm != 0 {
		t.Errorf("defaults: %+v %+v", c.Default.Pool, c.Default.Bot)
	}
}

// pool.rooms is auto or a number; a rule's own size, fixed or auto, wins over the
// defaults', and rooms: 0 keeps a rule out of an auto pool.
func TestParsePoolRoomsAuto(t *testing.T) {
	t.Parallel()
	c, err := Parse("serve.yaml", []byte(`pool: {rooms: 4, min_rooms: 3}
rules:
  - name: auto
    match: {to: "+1415*"}
    bot: {cmd: ./bot}
    pool: {rooms: auto, min_rooms: 5}
  - name: off
    match: {to: "+1212*"}
    bot: {cmd: ./bot}
    pool: {rooms: 0}
default:
  bot: {cmd: ./bot}
`))
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Rules[0].Pool; !p.Auto || p.MinRooms != 5 {
		t.Errorf("rules[0].pool = %+v, want auto from 5", p)
	}
	if p := c.Rules[1].Pool; p.Enabled() {
		t.Errorf("rules[1].pool = %+v, want none", p)
	}
	if p := c.Default.Pool; p.Auto || p.Rooms != 4 || p.MinRooms != 3 {
		t.Errorf("default.pool = %+v, want 4 rooms, fixed", p)
	}
	// A bot that makes its own room would never take a pooled one.
	c, err = Parse("serve.yaml", []byte("default: {bot: {pipecat: {url: \"http://127.0.0.1:7860/start\"}}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Default.Pool.Enabled() {
		t.Errorf("a pipecat bot's rule keeps a pool: %+v", c.Default.Pool)
	}
	c, err = Parse("serve.yaml", []byte("pool: {rooms: 0}\ndefault: {bot: {cmd: ./bot}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Default.Pool.Enabled() {
		t.Errorf("pool.rooms: 0 should mean no pool, got %+v", c.Default.Pool)
	}
	for doc, want := range map[string]string{
		"pool: {rooms: many}\ndefault: {bot: {cmd: ./bot}}\n":   `serve.yaml:1: pool.rooms: must be auto or a whole number, got a string "many"`,
		"pool: {min_rooms: -1}\ndefault: {bot: {cmd: ./bot}}\n": "serve.yaml:1: pool.min_rooms: must be between 0 and 1000 (got -1)",
	} {
		if _, err := Parse("serve.yaml", []byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q:\n got %v\nwant %s", doc, err, want)
		}
	}
}

func TestWarmConfigErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ yaml, want string }{
		{"pool: {rooms: -1}\ndefault: {bot: {cmd: ./bot}}\n", "serve.yaml:1: pool.rooms: must be auto, or between 0 (no pool) and 1000 (got -1)"},
		{"pool: {refill_per_second: 0}\ndefault: {bot: {cmd: ./bot}}\n", "serve.yaml:1: pool.refill_per_second: must be above 0 and at most 20"},
		{"pool: {refill_per_second: 25}\ndefault: {bot: {cmd: ./bot}}\n", "pool.refill_per_second: must be above 0 and at most 20, Daily's limit for creating rooms (got 25)"},
		{"pool: {refill_per_second: fast}\ndefault: {bot: {cmd: ./bot}}\n", `serve.yaml:1: pool.refill_per_second: must be a number, got a string "fast"`},
		{"pool: {room_lifetime: 10s}\ndefault: {bot: {cmd: ./bot}}\n", "serve.yaml:1: pool.room_lifetime: must be between 1m and 168h"},
		{"pool: {rooms: 100, refill_per_second: 1, room_lifetime: 1m}\ndefault: {bot: {cmd: ./bot}}\n", "default.pool.rooms: 100 rooms cannot be replaced before they retire: at refill_per_second 1 and room_lifetime 1m0s at most 25 (or rooms: auto)"},
		{"pool: {size: 3}\ndefault: {bot: {cmd: ./bot}}\n", "serve.yaml:1: pool.size: unknown field (known: rooms, min_rooms, refill_per_second, room_lifetime)"},
		{"default:\n  bot: {cmd: ./bot}\n  pool: {rooms: 5000}\n", "serve.yaml:3: default.pool.rooms: must be auto, or between 0 (no pool) and 1000 (got 5000)"},
		{"default:\n  bot:\n    cmd: ./bot -u {room_url}\n    warm: 2\n", "serve.yaml:3: default.bot.cmd: a warm bot starts before its call and reads the call from stdin, so its command cannot use {room_url}"},
		{"default:\n  bot:\n    url: http://127.0.0.1:1/x\n    warm: 2\n", "serve.yaml:4: default.bot.warm: applies to cmd bots only"},
		{"default:\n  bot:\n    cmd: ./bot\n    warm: -2\n", "serve.yaml:4: default.bot.warm: must be auto, or between 0 (a bot per call) and 500 (got -2)"},
		{"default:\n  bot:\n    cmd: ./bot\n    warm: 1\n    warm_accept_timeout: 1h\n", "serve.yaml:5: default.bot.warm_accept_timeout: must be between 10ms and 30s (got 1h)"},
		{"default:\n  bot:\n    cmd: ./bot\n    warm_start_timeout: 5\n", "serve.yaml:4: default.bot.warm_start_timeout: must be a duration with a unit"},
	}
	for _, c := range cases {
		_, err := Parse("serve.yaml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

// A cmd bot that reads its call from stdin is tried as a warm bot by default (auto); one
// whose command needs its call (placeholders), or that says warm: 0, gets a bot per call.
func TestWarmBotsAutoByDefault(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		yaml string
		auto bool
		warm int
	}{
		{"default: {bot: {cmd: ./bot}}\n", true, 0},
		{"default: {bot: {cmd: \"./bot -u {room_url}\"}}\n", false, 0},
		{"default: {bot: {cmd: ./bot, warm: 0}}\n", false, 0},
		{"default: {bot: {cmd: ./bot, warm: 3}}\n", false, 3},
		{"default: {bot: {cmd: ./bot, warm: auto}}\n", true, 0},
	} {
		c, err := Parse("serve.yaml", []byte(tc.yaml))
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if b := c.Default.Bot; b.WarmAuto != tc.auto || b.Warm != tc.warm {
			t.Errorf("%q: warm %d, auto %v; want %d, %v", tc.yaml, b.Warm, b.WarmAuto, tc.warm, tc.auto)
		}
	}
	for yaml, want := range map[string]string{
		"default: {bot: {cmd: ./bot, warm: many}}\n":                   `serve.yaml:1: default.bot.warm: must be auto or a whole number, got a string "many"`,
		"default: {bot: {cmd: \"./bot -u {room_url}\", warm: auto}}\n": "default.bot.cmd: a warm bot starts before its call",
	} {
		if _, err := Parse("serve.yaml", []byte(yaml)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q:\n got %v\nwant %s", yaml, err, want)
		}
	}
}

// A domain whose limits Daily raised (daily_rate_limit) refills its pools faster by default,
// and may be told a faster refill; the published limit keeps Daily's bound.
func TestDailyRateLimitScalesThePoolRefill(t *testing.T) {
	t.Parallel()
	c, err := Parse("serve.yaml", []byte("daily_rate_limit: 100\npool: {rooms: 10}\ndefault: {bot: {cmd: ./bot}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Default.Pool.RefillPerSecond, DefaultRefillPerSecond*5; got != want || c.RateScale() != 5 {
		t.Fatalf("refill %v, scale %v; want %v, 5", got, c.RateScale(), want)
	}
	if _, err := Parse("serve.yaml", []byte("daily_rate_limit: 100\npool: {refill_per_second: 60}\ndefault: {bot: {cmd: ./bot}}\n")); err != nil {
		t.Fatalf("60 rooms per second under a limit of 100: %v", err)
	}
	for yaml, want := range map[string]string{
		"pool: {refill_per_second: 60}\ndefault: {bot: {cmd: ./bot}}\n": "pool.refill_per_second: must be above 0 and at most 20, Daily's limit for creating rooms (got 60)",
		"daily_rate_limit: 0\ndefault: {bot: {cmd: ./bot}}\n":           "serve.yaml:1: daily_rate_limit: must be above 0 and at most 10000 requests per second (got 0)",
	} {
		if _, err := Parse("serve.yaml", []byte(yaml)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q:\n got %v\nwant %s", yaml, err, want)
		}
	}
}
