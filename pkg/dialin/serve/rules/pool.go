package rules

import "time"

// Pool are the settings of a rule's warm room pool: SIP dial-in rooms created ahead, so that
// a call takes one without a request to Daily.
type Pool struct {
	// Rooms is how many rooms are kept ready when the size is fixed; 0 (and not Auto) means
	// no pool.
	Rooms int
	// Auto makes the pool's size follow the rule's observed call rate, from MinRooms up to
	// what the refill can replace before the rooms expire (pool.Pool says how).
	Auto bool
	// MinRooms is an Auto pool's floor: the rooms kept ready when no call comes.
	MinRooms int
	// RefillPerSecond bounds how fast the pool creates rooms in the background.
	RefillPerSecond float64
	// RoomLifetime is how long a pooled room may wait for a call. Its exp is set to
	// RoomLifetime plus the rule's Room.Exp, so a call always gets at least Room.Exp; the
	// room is replaced before it grows older than RoomLifetime.
	RoomLifetime time.Duration
}

// Enabled reports whether the rule keeps a pool.
func (p Pool) Enabled() bool { return p.Auto || p.Rooms > 0 }

// Merge returns p with every unset field taken from def (a size, fixed or auto, is set as
// one field).
func (p Pool) Merge(def Pool) Pool {
	if p.Rooms == 0 && !p.Auto {
		p.Rooms, p.Auto = def.Rooms, def.Auto
	}
	if p.MinRooms == 0 {
		p.MinRooms = def.MinRooms
	}
	if p.RefillPerSecond == 0 {
		p.RefillPerSecond = def.RefillPerSecond
	}
	if p.RoomLifetime == 0 {
		p.RoomLifetime = def.RoomLifetime
	}
	return p
}
