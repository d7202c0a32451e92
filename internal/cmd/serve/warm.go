package serve

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/dialin/serve/config"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/pool"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// warmFlags are the values of the warm hook's flags; a flag given overrides the config
// file's setting for every rule.
type warmFlags struct {
	rooms    int
	refill   float64
	lifetime time.Duration
	bots     int
}

// newWarmHook adds the warm room pool and warm bots: --warm-rooms, --pool-refill,
// --pool-room-lifetime and --warm-bots, over the config's pool: and bot.warm settings
// (docs/warm-bots.md).
func newWarmHook() *DepsHook {
	var v warmFlags
	var o *Options
	var banner []string
	h := &DepsHook{}
	h.Flags = func(fs *pflag.FlagSet) {
		fs.IntVar(&v.rooms, "warm-rooms", 0, "Keep `N` SIP rooms per rule created ahead, so a call takes one with no request to Daily; with --state redis://…, one pool for all replicas (default: the config's pool.rooms, else 0)")
		fs.Float64Var(&v.refill, "pool-refill", 0, "Create pool rooms at most this many per second (default: the config's pool.refill_per_second, else 5; at most 20)")
		fs.DurationVar(&v.lifetime, "pool-room-lifetime", 0, "Replace a pooled room unused for this long (default: the config's pool.room_lifetime, else 1h)")
		fs.IntVar(&v.bots, "warm-bots", 0, "Keep `N` bot processes per cmd rule started ahead, each waiting for its call on stdin (default: the config's bot.warm, else 0)")
	}
	h.Check = func(opts *Options) error {
		o = opts
		switch {
		case v.rooms < 0 || v.rooms > config.MaxPoolRooms:
			return cmdutil.FlagErrorf("--warm-rooms: must be between 0 and %d (got %d)", config.MaxPoolRooms, v.rooms)
		case o.Changed("pool-refill") && (v.refill <= 0 || v.refill > config.MaxRefillPerSecond):
			return cmdutil.FlagErrorf("--pool-refill: must be above 0 and at most %g, Daily's limit for creating rooms (got %g)", config.MaxRefillPerSecond, v.refill)
		case o.Changed("pool-room-lifetime") && (v.lifetime < time.Minute || v.lifetime > 7*24*time.Hour):
			return cmdutil.FlagErrorf("--pool-room-lifetime: must be between 1m and 168h (got %s)", v.lifetime)
		case v.bots < 0 || v.bots > config.MaxWarmBots:
			return cmdutil.FlagErrorf("--warm-bots: must be between 0 and %d (got %d)", config.MaxWarmBots, v.bots)
		}
		return nil
	}
	h.Apply = func(_ context.Context, b *DepsBuild) error {
		banner = nil
		settings := func(r *rules.Rule) rules.Pool {
			p := r.Pool
			if o != nil && o.Changed("warm-rooms") {
				p.Rooms = v.rooms
			}
			if o != nil && o.Changed("pool-refill") {
				p.RefillPerSecond = v.refill
			}
			if o != nil && o.Changed("pool-room-lifetime") {
				p.RoomLifetime = v.lifetime
			}
			return p
		}
		warmBots := func(r *rules.Rule) int {
			if o != nil && o.Changed("warm-bots") && r.Bot.Cmd != "" {
				return v.bots
			}
			return r.Bot.Warm
		}
		rooms, bots := 0, 0
		for _, r := range b.Config.AllRules() {
			rooms += settings(r).Rooms
			n := warmBots(r)
			bots += n
			if n > 0 {
				if err := config.CheckWarmCommand(r.Bot.Cmd); err != nil {
					return cmdutil.FlagErrorf("--warm-bots: rule %s: %v", r.Name, err)
				}
			}
		}
		if rooms > 0 {
			pc := pool.Config{Client: b.Deps.Client, Config: b.Config, Settings: settings,
				Logger: b.logger(), Registerer: b.Deps.Metrics.Registry()}
			how := "refilled in the background"
			if b.shared != nil {
				b.shared.sharePool(&pc)
				how = "one pool shared by the replicas on the state's Redis, refilled by one of them at a time"
			}
			p, err := pool.New(pc)
			if err != nil {
				return err
			}
			b.Deps.Rooms = p
			b.OnClose(func() { _ = p.Close() })
			banner = append(banner, fmt.Sprintf("warm rooms: %d (pooled rooms need no request to Daily; %s)", rooms, how))
		}
		if bots > 0 {
			b.Deps.NewLauncher = warmLaunchers(b, warmBots)
			banner = append(banner, fmt.Sprintf("warm bots: %d (each waits for its call as one JSON line on stdin; see docs/warm-bots.md)", bots))
		}
		return nil
	}
	h.Banner = func() string { return strings.Join(banner, "; ") }
	return h
}

// warmLaunchers builds each rule's launcher as the engine would (a process per call, or a
// bot runner), with warm bots where the rule has them. Warm launchers are started by the
// engine (their Start method) and their idle bots killed when serve stops.
func warmLaunchers(b *DepsBuild, warmBots func(*rules.Rule) int) func(r *rules.Rule) (launch.Launcher, error) {
	d, cfg := b.Deps, b.Config
	return func(r *rules.Rule) (launch.Launcher, error) {
		if r.Bot.URL != "" {
			return launch.NewHTTP(launch.HTTPConfig{URL: r.Bot.URL, Timeout: r.Bot.Timeout})
		}
		pc := launch.ProcessConfig{Command: r.Bot.Cmd, Dir: d.BotDir, Env: d.BotEnv, Patch: cfg.Patch, Logger: d.Logger, APIURL: d.Client.BaseURL()}
		if cfg.Patch == config.PatchBot {
			pc.APIKey = d.APIKey // the bot patches the call, so it needs the key
		}
		n := warmBots(r)
		if n == 0 {
			return launch.NewProcess(pc)
		}
		w, err := launch.NewWarm(launch.WarmConfig{ProcessConfig: pc, Warm: n, Rule: r.Name,
			StartTimeout: r.Bot.WarmStartTimeout, AcceptTimeout: r.Bot.WarmAcceptTimeout, Registerer: d.Metrics.Registry()})
		if err != nil {
			return nil, err
		}
		b.OnClose(func() { _ = w.Close() })
		return w, nil
	}
}
