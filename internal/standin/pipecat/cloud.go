package pipecat

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// DefaultMaxSessions is Pipecat Cloud's default cap of active sessions per deployment.
const DefaultMaxSessions = 50

// CloudConfig is a Pipecat Cloud stand-in: the runner it starts bots with (its Daily account
// is the emulator), the public API key it accepts, its agents and their pools.
type CloudConfig struct {
	Config
	APIKey      string        // the Pipecat Cloud public key (pk_…) accepted as Bearer on …/start
	Agents      []string      // agent names it knows; empty: any name
	MaxSessions int           // active sessions per agent before …/start answers 429; 0: DefaultMaxSessions
	ColdStart   time.Duration // how long a session takes to start before the answer
}

// Cloud is a stand-in for Pipecat Cloud's public API:
// POST /v1/public/{agent}/start (Bearer key) and the hosted dial-in webhook
// POST /v1/public/webhooks/{org}/{agent}/dialin. Each agent has a pool of MaxSessions; a
// session holds its place from the request through the cold start until its bot has left.
type Cloud struct {
	cfg    CloudConfig
	runner *Runner

	mu     sync.Mutex
	active map[string]int
	starts int
}

// NewCloud builds the stand-in; Close stops its bots.
func NewCloud(cfg CloudConfig) *Cloud {
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	cfg.Dialin = false
	return &Cloud{cfg: cfg, runner: NewRunner(cfg.Config), active: map[string]int{}}
}

// Handler serves Pipecat Cloud's paths under /v1 (PIPECAT_CLOUD_API_URL is this server's URL
// plus /v1).
func (c *Cloud) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/public/{agent}/start", c.serveStart)
	mux.HandleFunc("POST /v1/public/webhooks/{org}/{agent}/dialin", c.serveHostedDialin)
	return mux
}

// Close stops every bot and waits for them.
func (c *Cloud) Close() { c.runner.Close() }

// Active is the number of sessions agent holds now.
func (c *Cloud) Active(agent string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active[agent]
}

// Starts is the number of …/start requests that passed the key and pool checks.
func (c *Cloud) Starts() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.starts
}

// Session finds a started session by its sessionId.
func (c *Cloud) Session(id string) (*Session, bool) { return c.runner.Session(id) }

// reserve takes a place in agent's pool; false when it is full.
func (c *Cloud) reserve(agent string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active[agent] >= c.cfg.MaxSessions {
		return false
	}
	c.active[agent]++
	c.starts++
	return true
}

func (c *Cloud) release(agent string) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			c.active[agent]--
			c.mu.Unlock()
		})
	}
}

func (c *Cloud) serveStart(w http.ResponseWriter, req *http.Request) {
	agent := req.PathValue("agent")
	if !c.authorized(req) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Unauthorized: a valid public API key is required", "code": "401"})
		return
	}
	if !c.knows(agent) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "agent " + agent + " not found", "code": "404"})
		return
	}
	sr, err := decodeStart(req)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error(), "code": "400"})
		return
	}
	release, ok := c.admit(w, req, agent)
	if !ok {
		return
	}
	answer, err := c.runner.launch(req.Context(), "", sr.DailyRoomProperties, sr.DailyMeetingTokenProperties, sr.Body, release)
	if err != nil {
		release()
		c.runner.log.Error("starting a session", "agent", agent, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error(), "code": "500"})
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

// serveHostedDialin is the hosted dial-in webhook that Daily calls (no Bearer key): it
// takes the call into the agent's pool as …/start does.
func (c *Cloud) serveHostedDialin(w http.ResponseWriter, req *http.Request) {
	agent := req.PathValue("agent")
	if !c.knows(agent) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "agent " + agent + " not found", "code": "404"})
		return
	}
	hook, ok := readWebhook(w, req) // Daily's verification body takes no place in the pool
	if !ok {
		return
	}
	if release, ok := c.admit(w, req, agent); ok {
		c.runner.startDialin(w, req, hook, release)
	}
}

// admit takes a place in agent's pool and waits out the cold start; otherwise it answers
// 429 (the pool is full) or nothing (the caller went away) and returns false.
func (c *Cloud) admit(w http.ResponseWriter, req *http.Request, agent string) (release func(), ok bool) {
	if !c.reserve(agent) {
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "agent " + agent + " has no capacity: active session limit reached", "code": "429"})
		return nil, false
	}
	release = c.release(agent)
	if !c.coldStart(req) {
		release()
		return nil, false
	}
	return release, true
}

// coldStart waits the configured start-up; false when the caller went away meanwhile.
func (c *Cloud) coldStart(req *http.Request) bool {
	if c.cfg.ColdStart <= 0 {
		return true
	}
	return daily.Sleep(req.Context(), c.cfg.ColdStart) == nil
}

func (c *Cloud) authorized(req *http.Request) bool {
	got, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	return ok && c.cfg.APIKey != "" && subtle.ConstantTimeCompare([]byte(got), []byte(c.cfg.APIKey)) == 1
}

func (c *Cloud) knows(agent string) bool {
	return len(c.cfg.Agents) == 0 || slices.Contains(c.cfg.Agents, agent)
}
