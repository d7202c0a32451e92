package bench

import (
	"os"
	"time"
)

// stopTimeout is how long a system's processes get to end on SIGTERM before they are killed.
// serve needs its --shutdown-timeout (5 s here) and a moment to write its CPU profile.
const stopTimeout = 10 * time.Second

// finish stops the system, then says where each serve's CPU profile (Config.CPUProfile) is.
// serve writes its profile only when it stops on SIGTERM: an empty or missing file means it
// was killed, and is said too, since the run's figures stand without it.
func (l *launched) finish(cfg Config) {
	l.stop(stopTimeout)
	for _, p := range l.profiles {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			cfg.progress("%s: no CPU profile: %v", l.name, err)
		case fi.Size() == 0:
			cfg.progress("%s: no CPU profile: %s is empty (serve did not stop within %s of SIGTERM; see its log)", l.name, p, stopTimeout)
		default:
			cfg.progress("%s: CPU profile in %s (go tool pprof -top %s)", l.name, p, p)
		}
	}
}
