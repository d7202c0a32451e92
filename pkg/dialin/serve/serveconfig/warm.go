package serveconfig

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// Warm room pool and warm bot defaults and bounds.
const (
	// DefaultRefillPerSecond is the most calls per second a domain carries with warm rooms and
	// local tokens (the client's 18 requests per second over 2 a call: the refill and the
	// patch), so that the pool can give every one of them a room. Refills go after every
	// request a call waits for (daily.PriorityRefill), so a faster refill never delays one.
	DefaultRefillPerSecond = 9.0
	// MaxRefillPerSecond is Daily's published limit for most endpoints, POST /rooms among them.
	MaxRefillPerSecond  = 20.0
	DefaultRoomLifetime = time.Hour
	MaxPoolRooms        = 1000
	// DefaultMinRooms is the floor of a pool whose size follows the call rate (rooms: auto).
	DefaultMinRooms = 2
	// Auto is the value of pool.rooms and bot.warm (and --warm-rooms, --warm-bots) that
	// makes the number of rooms or bots follow the call rate; it is the default of both.
	Auto                  = "auto"
	MaxWarmBots           = 500
	DefaultWarmStartTime  = 2 * time.Minute
	DefaultWarmAcceptTime = time.Second
	MaxPoolRoomLifetime   = 7 * 24 * time.Hour
	MinPoolRoomLifetime   = time.Minute
	maxWarmStartTimeout   = 30 * time.Minute
	maxWarmAcceptTimeout  = 30 * time.Second
	minWarmAcceptTimeout  = 10 * time.Millisecond
	minWarmStartTimeout   = time.Second
)

func (p *parser) pool(field string, n *yaml.Node, dst *rules.Pool) {
	p.fields(n, field, []string{"rooms", "min_rooms", "refill_per_second", "room_lifetime"}, func(key, f string, v *yaml.Node) {
		switch key {
		case "rooms":
			p.autoOrInt(f, v, &dst.Auto, &dst.Rooms)
		case "min_rooms":
			p.int(f, v, &dst.MinRooms)
		case "refill_per_second":
			p.float(f, v, &dst.RefillPerSecond)
		default:
			p.duration(f, v, &dst.RoomLifetime)
		}
	})
}

// PoolReplaceMargin is how long before its rooms retire a pool's refill starts beyond the
// time it needs to recreate them at its rate.
const PoolReplaceMargin = 5 * time.Second

// PoolRoomsCap is the most rooms a refill of refill rooms per second can replace before they
// retire: a pool created at once retires at once, and its replacements, created at the
// refill rate, must all be ready before it does, starting at most half a lifetime ahead (so
// that a room serves at least half of it). It is at most MaxPoolRooms, and at least 1.
func PoolRoomsCap(refill float64, lifetime time.Duration) int {
	n := int(refill * (lifetime/2 - PoolReplaceMargin).Seconds())
	return max(1, min(n, MaxPoolRooms))
}

// RateScale is how far Daily raised the domain's limits above the published ones
// (DailyRateLimit ÷ 20; 1 before Normalize or when not raised).
func (c *Config) RateScale() float64 {
	if c.DailyRateLimit <= 0 {
		return 1
	}
	return c.DailyRateLimit / DefaultDailyRateLimit
}

// checkTopPool fills the pool defaults and checks them: with no pool.rooms, the size
// follows the call rate (auto), from DefaultMinRooms.
func (c *Config) checkTopPool() {
	if c.Pool.Rooms == 0 && !c.Pool.Auto && !c.has("pool.rooms") {
		c.Pool.Auto = true
	}
	unsetTo(c, "pool.min_rooms", &c.Pool.MinRooms, DefaultMinRooms)
	if c.Pool.RefillPerSecond == 0 && !c.has("pool.refill_per_second") {
		c.Pool.RefillPerSecond = DefaultRefillPerSecond * c.RateScale()
	}
	if c.Pool.RoomLifetime == 0 && !c.has("pool.room_lifetime") {
		c.Pool.RoomLifetime = DefaultRoomLifetime
	}
	c.checkPool("pool", c.Pool)
}

func (c *Config) checkPool(field string, p rules.Pool) {
	if p.Rooms < 0 || p.Rooms > MaxPoolRooms {
		c.errf(field+".rooms", "must be auto, or between 0 (no pool) and %d (got %d)", MaxPoolRooms, p.Rooms)
	}
	if p.MinRooms < 0 || p.MinRooms > MaxPoolRooms {
		c.errf(field+".min_rooms", "must be between 0 and %d (got %d)", MaxPoolRooms, p.MinRooms)
	}
	if most := MaxRefillPerSecond * c.RateScale(); (p.RefillPerSecond != 0 || c.has(field+".refill_per_second")) && (p.RefillPerSecond <= 0 || p.RefillPerSecond > most) {
		c.errf(field+".refill_per_second", "must be above 0 and at most %g, Daily's limit for creating rooms (got %g)", most, p.RefillPerSecond)
	}
	if p.RoomLifetime != 0 || c.has(field+".room_lifetime") {
		c.between(field+".room_lifetime", p.RoomLifetime, MinPoolRoomLifetime, MaxPoolRoomLifetime)
	}
}

// checkRulePool checks a rule's pool and merges the pool defaults into it. A rule that
// writes pool.rooms: 0, or whose bot makes its own room, keeps no pool even when the
// defaults have one.
func (c *Config) checkRulePool(field string, r *rules.Rule) {
	c.checkPool(field+".pool", r.Pool)
	explicitZero := r.Pool.Rooms == 0 && !r.Pool.Auto && c.has(field+".pool.rooms")
	r.Pool = r.Pool.Merge(c.Pool)
	// A bot that makes its own room (pipecat, pipecat_cloud, forward) would never take one.
	if explicitZero || r.Bot.Pipecat != nil || r.Bot.Forward != "" {
		r.Pool.Rooms, r.Pool.Auto = 0, false
	}
	p := r.Pool
	if !p.Auto && p.Rooms > 0 && p.RefillPerSecond > 0 && p.RoomLifetime >= MinPoolRoomLifetime {
		if most := PoolRoomsCap(p.RefillPerSecond, p.RoomLifetime); p.Rooms > most {
			c.errf(field+".pool.rooms", "%d rooms cannot be replaced before they retire: at refill_per_second %g and room_lifetime %s at most %d (or rooms: auto)",
				p.Rooms, p.RefillPerSecond, p.RoomLifetime, most)
		}
	}
}

// CheckWarmCommand reports whether a bot command can run warm: it must not use a call's
// placeholders, since it starts before the call exists.
func CheckWarmCommand(cmd string) error {
	t, err := launch.ParseTemplate(cmd)
	if err != nil {
		return err
	}
	for _, name := range launch.Placeholders {
		if t.Uses(name) {
			return fmt.Errorf("a warm bot starts before its call and reads the call from stdin, so its command cannot use {%s}", name)
		}
	}
	return nil
}
