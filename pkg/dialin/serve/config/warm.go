package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// Warm room pool and warm bot defaults and bounds.
const (
	// DefaultRefillPerSecond leaves most of Daily's 20 requests per second to everything else
	// (tokens, pinlessCallUpdate, rooms created on demand when a pool runs dry).
	DefaultRefillPerSecond = 5.0
	// MaxRefillPerSecond is Daily's published limit for most endpoints, POST /rooms among them.
	MaxRefillPerSecond    = 20.0
	DefaultRoomLifetime   = time.Hour
	MaxPoolRooms          = 1000
	MaxWarmBots           = 500
	DefaultWarmStartTime  = 2 * time.Minute
	DefaultWarmAcceptTime = time.Second
	maxPoolRoomLifetime   = 7 * 24 * time.Hour
	minPoolRoomLifetime   = time.Minute
	maxWarmStartTimeout   = 30 * time.Minute
	maxWarmAcceptTimeout  = 30 * time.Second
	minWarmAcceptTimeout  = 10 * time.Millisecond
	minWarmStartTimeout   = time.Second
)

var botFields = []string{"cmd", "url", "timeout", "warm", "warm_start_timeout", "warm_accept_timeout", "pipecat", "pipecat_cloud", "forward"}

func (p *parser) pool(field string, n *yaml.Node, dst *rules.Pool) error {
	return p.fields(n, field, []string{"rooms", "refill_per_second", "room_lifetime"}, func(key string, v *yaml.Node) error {
		f := field + "." + key
		switch key {
		case "rooms":
			return p.int(f, v, &dst.Rooms)
		case "refill_per_second":
			return p.float(f, v, &dst.RefillPerSecond)
		}
		return p.duration(f, v, &dst.RoomLifetime)
	})
}

func (p *parser) warmBot(field string, v *yaml.Node, b *rules.Bot) error {
	switch field[strings.LastIndexByte(field, '.')+1:] {
	case "warm":
		return p.int(field, v, &b.Warm)
	case "warm_start_timeout":
		return p.duration(field, v, &b.WarmStartTimeout)
	}
	return p.duration(field, v, &b.WarmAcceptTimeout)
}

// float reads a number (an integer is a number too).
func (p *parser) float(field string, v *yaml.Node, dst *float64) error {
	f, err := strconv.ParseFloat(v.Value, 64)
	if v.Kind != yaml.ScalarNode || (v.ShortTag() != "!!int" && v.ShortTag() != "!!float") || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return p.errf(v.Line, field, "must be a number, got %s", describe(v))
	}
	*dst = f
	return nil
}

// checkTopPool fills the pool defaults and checks them.
func (c *Config) checkTopPool() error {
	if c.Pool.RefillPerSecond == 0 && !c.has("pool.refill_per_second") {
		c.Pool.RefillPerSecond = DefaultRefillPerSecond
	}
	if c.Pool.RoomLifetime == 0 && !c.has("pool.room_lifetime") {
		c.Pool.RoomLifetime = DefaultRoomLifetime
	}
	return c.checkPool("pool", c.Pool)
}

func (c *Config) checkPool(field string, p rules.Pool) error {
	if p.Rooms < 0 || p.Rooms > MaxPoolRooms {
		return c.errf(field+".rooms", "must be between 0 (no pool) and %d (got %d)", MaxPoolRooms, p.Rooms)
	}
	if (p.RefillPerSecond != 0 || c.has(field+".refill_per_second")) && (p.RefillPerSecond <= 0 || p.RefillPerSecond > MaxRefillPerSecond) {
		return c.errf(field+".refill_per_second", "must be above 0 and at most %g, Daily's limit for creating rooms (got %g)", MaxRefillPerSecond, p.RefillPerSecond)
	}
	if p.RoomLifetime != 0 || c.has(field+".room_lifetime") {
		return c.between(field+".room_lifetime", p.RoomLifetime, minPoolRoomLifetime, maxPoolRoomLifetime)
	}
	return nil
}

// checkWarm checks a rule's warm bots and pool, and merges the pool defaults into it. A rule
// that writes pool.rooms: 0 keeps no pool even when the defaults have one.
func (c *Config) checkWarm(field string, r *rules.Rule) error {
	b := r.Bot
	for _, set := range []struct {
		name string
		on   bool
	}{{"warm", b.Warm != 0}, {"warm_start_timeout", b.WarmStartTimeout != 0}, {"warm_accept_timeout", b.WarmAcceptTimeout != 0}} {
		if set.on && b.URL != "" {
			return c.errf(field+".bot."+set.name, "applies to cmd bots only (a bot runner keeps its own bots warm)")
		}
	}
	if b.Warm < 0 || b.Warm > MaxWarmBots {
		return c.errf(field+".bot.warm", "must be between 0 (a bot per call) and %d (got %d)", MaxWarmBots, b.Warm)
	}
	if b.WarmStartTimeout != 0 {
		if err := c.between(field+".bot.warm_start_timeout", b.WarmStartTimeout, minWarmStartTimeout, maxWarmStartTimeout); err != nil {
			return err
		}
	}
	if b.WarmAcceptTimeout != 0 {
		if err := c.between(field+".bot.warm_accept_timeout", b.WarmAcceptTimeout, minWarmAcceptTimeout, maxWarmAcceptTimeout); err != nil {
			return err
		}
	}
	if b.Warm > 0 {
		if err := CheckWarmCommand(b.Cmd); err != nil {
			return c.errf(field+".bot.cmd", "%v", err)
		}
	}
	if err := c.checkPool(field+".pool", r.Pool); err != nil {
		return err
	}
	explicitZero := r.Pool.Rooms == 0 && c.has(field+".pool.rooms")
	r.Pool = r.Pool.Merge(c.Pool)
	if explicitZero {
		r.Pool.Rooms = 0
	}
	return nil
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
