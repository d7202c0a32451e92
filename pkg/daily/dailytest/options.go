package dailytest

import "time"

// settings collects the options before a server is built.
type settings struct {
	apiKey     string
	domainName string
	domainID   string
	clock      Clock
	rateLimit  bool
	numbers    []string
	ownPool    bool
	latency    time.Duration
	seed       uint64
	hold       time.Duration // how long a call waits on hold before it is lost
	readyDelay time.Duration // from a room's first join to its SIP endpoints being ready
}

// Defaults of the call simulation (see WithHoldTimeout and WithReadyDelay).
const (
	DefaultHoldTimeout = 120 * time.Second
	DefaultReadyDelay  = 200 * time.Millisecond
)

// Option configures a Server.
type Option func(*settings)

// WithAPIKey sets the Bearer key the server accepts (default: random per server).
func WithAPIKey(key string) Option { return func(s *settings) { s.apiKey = key } }

// WithDomain sets the domain's name (used in room URLs and SIP hosts) and its id (the UUID
// meeting tokens carry in "d"). An empty value keeps the default.
func WithDomain(name, id string) Option {
	return func(s *settings) {
		if name != "" {
			s.domainName = name
		}
		if id != "" {
			s.domainID = id
		}
	}
}

// WithClock sets the server's clock; pass a *ManualClock to control time in tests.
func WithClock(c Clock) Option { return func(s *settings) { s.clock = c } }

// WithoutRateLimit turns off the emulation of Daily's rate limits (on by default).
func WithoutRateLimit() Option { return func(s *settings) { s.rateLimit = false } }

// WithAvailableNumbers replaces the seeded inventory of purchasable numbers with these E.164
// numbers. Region and city come from the area code when it is one the inventory knows.
func WithAvailableNumbers(numbers ...string) Option {
	return func(s *settings) {
		s.numbers = append([]string(nil), numbers...)
		s.ownPool = true
	}
}

// WithLatency adds d to every API request (see also Server.SetLatency).
func WithLatency(d time.Duration) Option { return func(s *settings) { s.latency = d } }

// WithSeed seeds the emulator's deterministic random choices: FailRate, and which number a
// random purchase takes (default seed 1).
func WithSeed(seed uint64) Option { return func(s *settings) { s.seed = seed } }

// WithHoldTimeout sets how long a simulated call stays on hold before it is lost (default
// 120 s, about twice a hold-music loop; Daily's exact value is unconfirmed). d <= 0 keeps the
// default.
func WithHoldTimeout(d time.Duration) Option {
	return func(s *settings) {
		if d > 0 {
			s.hold = d
		}
	}
}

// WithReadyDelay sets the time from the first participant joining a room to each of its SIP
// endpoints being ready (default 200 ms). 0 makes endpoints ready at once; d < 0 keeps the
// default.
func WithReadyDelay(d time.Duration) Option {
	return func(s *settings) {
		if d >= 0 {
			s.readyDelay = d
		}
	}
}
