package rules

import "time"

// Pool are the settings of a rule's warm room pool: SIP dial-in rooms created ahead, so that
// a call takes one without a request to Daily.
type Pool struct {
	// Rooms is how many rooms are kept ready; 0 means no pool.
	Rooms int
	// RefillPerSecond bounds how fast the pool creates rooms in the background.
	RefillPerSecond float64
	// RoomLifetime is how long a pooled room may wait for a call. Its exp is set to
	// RoomLifetime plus the rule's Room.Exp, so a call always gets at least Room.Exp; the
	// room is replaced before it grows older than RoomLifetime.
	RoomLifetime time.Duration
}

// Merge returns p with every unset field taken from def.
func (p Pool) Merge(def Pool) Pool {
	if p.Rooms == 0 {
		p.Rooms = def.Rooms
	}
	if p.RefillPerSecond == 0 {
		p.RefillPerSecond = def.RefillPerSecond
	}
	if p.RoomLifetime == 0 {
		p.RoomLifetime = def.RoomLifetime
	}
	return p
}
