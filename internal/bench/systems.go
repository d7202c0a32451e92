package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// quote makes an argument one word for serve's splitter and Python's shlex alike.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// botCmd is the stand-in bot's command line; with seedArgs it takes the call as the seed's
// arguments, else as one JSON line on stdin (the warm-bot contract).
func botCmd(cfg Config, seedArgs bool) string {
	cmd := fmt.Sprintf("%s standin-bot --startup-delay %s --talk-time %s", quote(cfg.Dialin), cfg.BotStartup, cfg.TalkTime)
	if seedArgs {
		cmd += " -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}"
	}
	return cmd
}

// launched is a system under test, running: one process, or serve's replicas behind a
// round-robin balancer, and the helpers it needs (the runner behind serve-pipecat), which
// are not measured.
type launched struct {
	name        string
	procs       []*child
	bases       []string // each process's http://127.0.0.1:PORT
	helpers     []*child
	helperBases []string
	webhook     string    // the route's room_creation_api
	lb          *balancer // nil with one process
	warmBots    int       // serve-warm's --warm-bots, per replica
	autoPool    bool      // serve with its default auto room pool (not a hold run)
	profiles    []string  // each serve process's --cpu-profile (Config.CPUProfile)
}

// launch starts the named system against e: for serve, serve-warm and serve-pipecat,
// cfg.Replicas `dialin serve` processes (sharing st, the run's Redis, when there is one),
// serve-pipecat's after its runner helper; a hold run (holdBot), the seed runner and the
// Pipecat runner alone are one process.
func launch(ctx context.Context, cfg Config, name string, e *emu, dir string, holdBot string, holdCalls int, st *benchState) (*launched, error) {
	n := 1
	if isServe(name) && holdBot == "" {
		n = max(cfg.Replicas, 1)
	}
	l := &launched{name: name, warmBots: (cfg.WarmBots + n - 1) / n, autoPool: name == SystemServe && holdBot == ""}
	env := []string{"DAILY_API_URL=" + e.s.URL, "DAILY_API_KEY=" + e.s.APIKey, "DIALIN_CONFIG_DIR=" + dir, "NO_COLOR=1"}
	var runner string
	if name == SystemServePipecat {
		var err error
		if runner, err = l.startRunnerHelper(ctx, cfg, dir, env); err != nil {
			return nil, err
		}
	}
	// serve and the runner stand-in bind a port of their own (port 0) and write their URL to
	// a ready file; only the seed runner, which takes nothing but --port, gets a port found free.
	argvOf := func(port int, readyFile, profile string) []string {
		switch name {
		case SystemSeed:
			return []string{cfg.Python, cfg.SeedRunner, "--port", strconv.Itoa(port)}
		case SystemPipecatRunner:
			return runnerArgv(cfg, readyFile)
		}
		maxCalls := 2000
		if holdBot != "" {
			maxCalls = holdCalls + 10
		}
		argv := []string{cfg.Dialin, "serve", "--addr", "127.0.0.1:0", "--ready-file", readyFile, "--log-format", "json",
			"--cap", strconv.Itoa(maxCalls), "--shutdown-timeout", "5s", "--hold", cfg.HoldTimeout.String(),
			"--admission-margin", cfg.admissionMargin().String(),
			"--admin-addr", ""} // no admin listener: 127.0.0.1:7861 stays free for the user's own serve
		switch {
		case holdBot != "":
			// No pool: the hold run measures the memory of held calls, not of pooled rooms.
			argv = append(argv, "--bot-cmd", holdBot, "--tokens", "local", "--warm-rooms", "0")
		case name == SystemServePipecat:
			argv = append(argv, "--bot-pipecat", runner+"/start")
		case name == SystemWarm:
			argv = append(argv, "--bot-cmd", botCmd(cfg, false), "--tokens", "local",
				"--warm-rooms", strconv.Itoa(cfg.WarmRooms), "--pool-refill", strconv.FormatFloat(cfg.PoolRefill, 'f', -1, 64),
				"--warm-bots", strconv.Itoa(l.warmBots))
		case name == SystemServeREST:
			argv = append(argv, "--bot-cmd", botCmd(cfg, true), "--tokens", "rest", "--warm-rooms", "0")
		default: // serve: its default flags, as a user runs it, with a bot that reads its call from stdin
			argv = append(argv, "--bot-cmd", botCmd(cfg, false))
		}
		argv = append(argv, "--daily-rate-limit", strconv.FormatFloat(cfg.dailyRateLimit(), 'f', -1, 64))
		if st != nil && holdBot == "" {
			argv = append(argv, "--state", st.url(name))
		}
		if profile != "" {
			argv = append(argv, "--cpu-profile", profile)
		}
		return argv
	}
	path := "/dialin"
	switch name {
	case SystemSeed:
		env = append(env, "BOT_CMD="+botCmd(cfg, false), "ROOM_TTL_S=3600")
		path = "/start_bot"
	case SystemPipecatRunner:
		path = "/daily-dialin-webhook"
	}
	// serve reads the route's secret when it starts, and the route names serve's URL, which
	// is known only once serve listens: the route gets its secret first, its URL after.
	secret := newRouteSecret()
	if err := e.route(ctx, parkedRouteURL, secret); err != nil {
		l.stop(stopTimeout)
		return nil, fmt.Errorf("routing the number to %s: %w", name, err)
	}
	for i := range n {
		logName := name
		if n > 1 {
			logName = fmt.Sprintf("%s-%d", name, i+1)
		}
		port := 0
		if name == SystemSeed {
			var err error
			if port, err = freePort(); err != nil {
				l.stop(stopTimeout)
				return nil, err
			}
		}
		readyFile := filepath.Join(dir, logName+".ready")
		profile := ""
		if cfg.CPUProfile && isServe(name) {
			profile = filepath.Join(dir, logName+".cpu.pprof")
			l.profiles = append(l.profiles, profile)
		}
		c, err := startChild(logName, dir, argvOf(port, readyFile, profile), env)
		if err != nil {
			l.stop(stopTimeout)
			return nil, err
		}
		l.procs = append(l.procs, c)
		base := "http://127.0.0.1:" + strconv.Itoa(port)
		switch {
		case isServe(name):
			base, err = waitServeURL(ctx, c, readyFile, startTimeout)
		case name == SystemPipecatRunner:
			base, err = waitReadyURL(ctx, c, readyFile, runnerURLVar, startTimeout)
		}
		if err != nil {
			l.stop(stopTimeout)
			return nil, err
		}
		l.bases = append(l.bases, base)
	}
	l.webhook = l.bases[0] + path
	if n > 1 {
		var err error
		if l.lb, err = startBalancer(l.bases); err != nil {
			l.stop(stopTimeout)
			return nil, err
		}
		l.webhook = l.lb.base + path
	}
	if err := e.route(ctx, l.webhook, secret); err != nil {
		l.stop(stopTimeout)
		return nil, fmt.Errorf("routing the number to %s: %w", name, err)
	}
	return l, nil
}

// waitReady waits until every process and helper answers its health check and, for
// serve-warm, the pools are full.
func (l *launched) waitReady(ctx context.Context, cfg Config, timeout time.Duration) error {
	ready := func() bool { return l.allAnswer("/readyz") }
	switch l.name {
	case SystemSeed:
		ready = func() bool { return l.allAnswer("/healthz") }
	case SystemPipecatRunner:
		ready = func() bool { return runnerAnswers(l.bases[0]) }
	}
	deadline := time.Now().Add(timeout)
	for {
		if l.exited() {
			return fmt.Errorf("%s exited while starting: %s", l.name, l.tail())
		}
		if l.helpersReady() && ready() && l.poolsFull(cfg) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s was not ready within %s: %s", l.name, timeout, l.tail())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poolPoll):
		}
	}
}

func (l *launched) allAnswer(path string) bool {
	for _, b := range l.bases {
		if !get(b + path) {
			return false
		}
	}
	return true
}

// poolsFull reports whether serve-warm's room pool and warm bots, or serve's auto pool, are at
// their size, on every replica (the room pool of replicas is one, shared: each reports its
// size); true for the systems without a pool.
func (l *launched) poolsFull(cfg Config) bool {
	if l.autoPool {
		return l.autoPoolsFull()
	}
	if l.name != SystemWarm {
		return true
	}
	for _, b := range l.bases {
		m, err := scrape(b+"/metrics", "dialin_serve_room_pool_size", "dialin_serve_warm_bots_waiting")
		if err != nil || m["dialin_serve_room_pool_size"] < float64(cfg.WarmRooms) || m["dialin_serve_warm_bots_waiting"] < float64(l.warmBots) {
			return false
		}
	}
	return true
}

// autoPoolsFull reports whether serve's auto pool holds its target (its floor, after a lull)
// on every replica.
func (l *launched) autoPoolsFull() bool {
	for _, b := range l.bases {
		m, err := scrape(b+"/metrics", "dialin_serve_room_pool_size", "dialin_serve_room_pool_target")
		if err != nil || m["dialin_serve_room_pool_target"] == 0 || m["dialin_serve_room_pool_size"] < m["dialin_serve_room_pool_target"] {
			return false
		}
	}
	return true
}

// seedUnavailable says why the seed runner cannot run here, or "".
func seedUnavailable(cfg Config) string {
	if _, err := os.Stat(cfg.SeedRunner); err != nil {
		return "seed runner: " + err.Error()
	}
	if _, err := exec.LookPath(cfg.Python); err != nil {
		return fmt.Sprintf("%s not found (install Debian's python3)", cfg.Python)
	}
	var stderr bytes.Buffer
	check := exec.Command(cfg.Python, "-c", "import fastapi, uvicorn, aiohttp")
	check.Stderr = &stderr
	if err := check.Run(); err != nil {
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		return fmt.Sprintf("%s cannot import the seed runner's packages (%s); apt-get install python3-fastapi python3-uvicorn python3-aiohttp", cfg.Python, lines[len(lines)-1])
	}
	return ""
}
