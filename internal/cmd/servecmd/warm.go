package servecmd

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/pool"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// newWarmHook adds the warm room pool and warm bots: --warm-rooms, --pool-min-rooms,
// --pool-refill, --pool-room-lifetime and --warm-bots, over the config's pool: and bot.warm settings
// (docs/warm-bots.md). The flags are applied to the configuration, and checked with it, by
// loadConfig; this hook builds what the checked configuration asks for.
func newWarmHook() *DepsHook {
	h := &DepsHook{}
	h.Flags = func(fs *pflag.FlagSet, o *Options) {
		fs.StringVar(&o.WarmRooms, "warm-rooms", "", "Keep SIP rooms per rule created ahead, so a call takes one with no request to Daily, `auto|N`: auto keeps as many as the rule's call rate needs (from --pool-min-rooms), N a fixed number (0: no pool); with --state redis://…, one pool for all replicas (default: the config's pool.rooms, else auto)")
		fs.IntVar(&o.PoolMinRooms, "pool-min-rooms", 0, "With --warm-rooms auto, keep at least this many rooms per rule (default: the config's pool.min_rooms, else 2)")
		fs.Float64Var(&o.PoolRefill, "pool-refill", 0, "Create pool rooms at most this many per second (default: the config's pool.refill_per_second, else 9; at most 20)")
		fs.DurationVar(&o.PoolRoomLifetime, "pool-room-lifetime", 0, "Replace a pooled room unused for this long (default: the config's pool.room_lifetime, else 1h)")
		fs.StringVar(&o.WarmBots, "warm-bots", "", "Keep bot processes per cmd rule started ahead, each waiting for its call on stdin, `auto|N`: auto tries the command's first bot and, if it speaks the warm contract, keeps as many as the call rate needs (at least 2); N a fixed number (0: a bot per call) (default: the config's bot.warm, else auto for a command without placeholders)")
	}
	h.Apply = func(_ context.Context, b *DepsBuild) error {
		var banner []string
		rooms, auto, pooled, bots, autoBots := 0, 0, false, 0, 0
		for _, r := range b.Config.AllRules() {
			if r.Pool.Auto {
				auto++
			} else {
				rooms += r.Pool.Rooms
			}
			pooled = pooled || r.Pool.Enabled()
			bots += r.Bot.Warm
			if r.Bot.WarmAuto {
				autoBots++
			}
		}
		if pooled {
			pc := pool.Config{Client: b.Deps.Client, Config: b.Config, Logger: b.logger(), Registerer: b.Deps.Metrics.Registry()}
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
			banner = append(banner, fmt.Sprintf("warm rooms: %s (pooled rooms need no request to Daily; %s)", poolSizes(rooms, auto), how))
		}
		if bots > 0 || autoBots > 0 {
			b.Deps.NewLauncher = warmLaunchers(b)
			banner = append(banner, fmt.Sprintf("warm bots: %s (each waits for its call as one JSON line on stdin; see docs/warm-bots.md)", warmBotSizes(bots, autoBots)))
		}
		if len(banner) > 0 {
			b.AddBanner(strings.Join(banner, "; "))
		}
		return nil
	}
	return h
}

// poolSizes says how many rooms the pools keep: fixed ones in all, and how many follow
// their call rate (room_pool_target on /metrics says how many that is now).
func poolSizes(fixed, auto int) string {
	switch {
	case auto == 0:
		return strconv.Itoa(fixed)
	case fixed == 0:
		return fmt.Sprintf("auto for %d %s, sized by the call rate (room_pool_target on /metrics)", auto, plural(auto, "rule"))
	default:
		return fmt.Sprintf("%d, and auto for %d %s, sized by the call rate (room_pool_target on /metrics)", fixed, auto, plural(auto, "rule"))
	}
}

// warmBotSizes says how many bots are kept warm: fixed ones in all, and for how many rules
// the number follows the call rate once their command has shown it speaks the contract.
func warmBotSizes(fixed, auto int) string {
	if auto == 0 {
		return strconv.Itoa(fixed)
	}
	s := fmt.Sprintf("auto for %d %s, if the bot speaks the warm contract, sized by the call rate (warm_bots_target on /metrics)", auto, plural(auto, "rule"))
	if fixed > 0 {
		s = fmt.Sprintf("%d, and %s", fixed, s)
	}
	return s
}

// warmLaunchers builds each rule's launcher as the engine would (a process per call, or a
// bot runner), with warm bots where the rule has them. Warm launchers are started by the
// engine (their Start method) and their idle bots killed when serve stops.
func warmLaunchers(b *DepsBuild) func(r *rules.Rule) (launch.Launcher, error) {
	d, cfg := b.Deps, b.Config
	return func(r *rules.Rule) (launch.Launcher, error) {
		if r.Bot.URL != "" {
			return launch.NewHTTP(launch.HTTPConfig{URL: r.Bot.URL, Timeout: r.Bot.Timeout})
		}
		pc := launch.ProcessConfig{Command: r.Bot.Cmd, Dir: d.BotDir, Env: d.BotEnv, Patch: cfg.Patch, Logger: d.Logger, APIURL: d.Client.BaseURL()}
		if cfg.Patch == serveconfig.PatchBot {
			pc.APIKey = d.APIKey // the bot patches the call, so it needs the key
		}
		if r.Bot.Warm == 0 && !r.Bot.WarmAuto {
			return launch.NewProcess(pc)
		}
		w, err := launch.NewWarm(launch.WarmConfig{ProcessConfig: pc, Warm: r.Bot.Warm, Auto: r.Bot.WarmAuto, Rule: r.Name,
			StartTimeout: r.Bot.WarmStartTimeout, AcceptTimeout: r.Bot.WarmAcceptTimeout, Registerer: d.Metrics.Registry()})
		if err != nil {
			return nil, err
		}
		b.OnClose(func() { _ = w.Close() })
		return w, nil
	}
}
