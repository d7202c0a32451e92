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
}

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

// WithAvailableNumbers replaces the seeded pool of purchasable numbers with these E.164
// numbers. Region and city come from the area code when it is one the pool knows.
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
