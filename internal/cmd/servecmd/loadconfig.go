package servecmd

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// loadConfig builds serve's configuration in one pass: read --config (if any), apply the
// flags over it (flags win), and normalize the result once, which reports every problem at
// once (serveconfig.Errors). A problem with a value a flag set names the flag. Every problem is
// a usage error: nothing has been requested yet. When Normalize fails, the configuration as
// read is returned with its problems.
func loadConfig(o *Options) (*serveconfig.Config, error) {
	cfg := &serveconfig.Config{}
	if o.ConfigFile != "" {
		data, err := os.ReadFile(o.ConfigFile)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				return nil, cmdutil.FlagErrorf("--config: %v", pe.Err)
			}
			return nil, cmdutil.FlagErrorf("--config: %v", err)
		}
		if cfg, err = serveconfig.Read(o.ConfigFile, data); err != nil {
			return nil, cmdutil.FlagErrorWrap(err) // file:line: the file is not YAML
		}
	}
	if err := applyFlags(o, cfg); err != nil {
		return nil, err
	}
	if err := cfg.Normalize(); err != nil {
		return cfg, cmdutil.FlagErrorWrap(err) // cfg as read, for --check to look further
	}
	return cfg, nil
}

// applyFlags sets the configuration's fields that flags given on the command line override,
// and says which flag set each (so that its problems name the flag).
func applyFlags(o *Options, cfg *serveconfig.Config) error {
	if names, bots := o.flagBots(); len(bots) == 1 { // validate refuses two
		if cfg.Default != nil {
			return cmdutil.FlagErrorf("%s: %s already has a default bot; remove one of them", names[0], o.ConfigFile)
		}
		cfg.Default = &rules.Rule{Name: "default", Bot: bots[0]}
		for _, field := range botFlagFields {
			cfg.SetByFlag(field, names[0])
		}
	}
	rooms, auto, err := autoOrCount(o, "warm-rooms", o.WarmRooms)
	if err != nil {
		return err
	}
	bots, botsAuto, err := autoOrCount(o, "warm-bots", o.WarmBots)
	if err != nil {
		return err
	}
	set := func(flag, field string, apply func()) {
		if o.Changed(flag) {
			apply()
			cfg.SetByFlag(field, "--"+flag)
		}
	}
	set("patch", "patch", func() { cfg.Patch = o.Patch })
	set("tokens", "tokens", func() { cfg.Tokens = o.Tokens })
	set("cap", "caps.global", func() { cfg.Caps.Global = o.Cap })
	set("queue-timeout", "caps.queue_timeout", func() { cfg.Caps.QueueTimeout = o.QueueTimeout })
	set("max-call-duration", "max_call_duration", func() { cfg.MaxCallDuration = o.MaxCallDuration })
	set("daily-rate-limit", "daily_rate_limit", func() { cfg.DailyRateLimit = o.DailyRateLimit })
	// The warm flags apply to the defaults and to every rule, over what the file says.
	set("warm-rooms", "pool.rooms", func() { cfg.Pool.Rooms, cfg.Pool.Auto = rooms, auto })
	set("pool-min-rooms", "pool.min_rooms", func() { cfg.Pool.MinRooms = o.PoolMinRooms })
	set("pool-refill", "pool.refill_per_second", func() { cfg.Pool.RefillPerSecond = o.PoolRefill })
	set("pool-room-lifetime", "pool.room_lifetime", func() { cfg.Pool.RoomLifetime = o.PoolRoomLifetime })
	for i, r := range cfg.AllRules() {
		field := "default"
		if i < len(cfg.Rules) {
			field = fmt.Sprintf("rules[%d]", i)
		}
		set("warm-rooms", field+".pool.rooms", func() { r.Pool.Rooms, r.Pool.Auto = rooms, auto })
		set("pool-min-rooms", field+".pool.min_rooms", func() { r.Pool.MinRooms = o.PoolMinRooms })
		set("pool-refill", field+".pool.refill_per_second", func() { r.Pool.RefillPerSecond = o.PoolRefill })
		set("pool-room-lifetime", field+".pool.room_lifetime", func() { r.Pool.RoomLifetime = o.PoolRoomLifetime })
		if r.Bot.URL == "" && r.Bot.Pipecat == nil && r.Bot.Forward == "" { // cmd bots only
			set("warm-bots", field+".bot.warm", func() { r.Bot.Warm, r.Bot.WarmAuto = bots, botsAuto })
		}
	}
	return nil
}

// autoOrCount reads --warm-rooms or --warm-bots: auto, or a number (checked with the
// configuration).
func autoOrCount(o *Options, flag, v string) (n int, auto bool, err error) {
	if !o.Changed(flag) || v == serveconfig.Auto {
		return 0, o.Changed(flag), nil
	}
	if n, err = strconv.Atoi(v); err != nil {
		return 0, false, cmdutil.FlagErrorf("--%s: must be auto or a whole number (got %q)", flag, v)
	}
	return n, false, nil
}
