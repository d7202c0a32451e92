package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
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

// launched is a system under test, running.
type launched struct {
	name    string
	proc    *child
	base    string // http://127.0.0.1:PORT
	webhook string // the route's room_creation_api
}

// launch starts the named system against e.
func launch(ctx context.Context, cfg Config, name string, e *emu, dir string, holdBot string, holdCalls int) (*launched, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	l := &launched{name: name, base: "http://127.0.0.1:" + strconv.Itoa(port)}
	env := []string{"DAILY_API_URL=" + e.s.URL, "DAILY_API_KEY=" + e.s.APIKey, "DIALIN_CONFIG_DIR=" + dir, "NO_COLOR=1"}
	var argv []string
	switch name {
	case SystemSeed:
		l.webhook = l.base + "/start_bot"
		argv = []string{cfg.Python, cfg.SeedRunner, "--port", strconv.Itoa(port)}
		env = append(env, "BOT_CMD="+botCmd(cfg, false), "ROOM_TTL_S=3600")
	default:
		l.webhook = l.base + "/dialin"
		maxCalls := 2000
		if holdBot != "" {
			maxCalls = holdCalls + 10
		}
		argv = []string{cfg.Dialin, "serve", "--addr", "127.0.0.1:" + strconv.Itoa(port), "--log-format", "json",
			"--cap", strconv.Itoa(maxCalls), "--shutdown-timeout", "5s"}
		switch {
		case holdBot != "":
			argv = append(argv, "--bot-cmd", holdBot, "--tokens", "local")
		case name == SystemWarm:
			argv = append(argv, "--bot-cmd", botCmd(cfg, false), "--tokens", "local",
				"--warm-rooms", strconv.Itoa(cfg.WarmRooms), "--pool-refill", strconv.FormatFloat(cfg.PoolRefill, 'f', -1, 64),
				"--warm-bots", strconv.Itoa(cfg.WarmBots))
		default:
			argv = append(argv, "--bot-cmd", botCmd(cfg, true))
		}
	}
	// The route must name the system before it starts: serve reads the route's secret then.
	if err := e.route(ctx, l.webhook); err != nil {
		return nil, fmt.Errorf("routing the number to %s: %w", name, err)
	}
	if l.proc, err = startChild(name, dir, argv, env); err != nil {
		return nil, err
	}
	return l, nil
}

// waitReady waits until the system answers its health check and, for serve-warm, its pools
// are full.
func (l *launched) waitReady(ctx context.Context, cfg Config, timeout time.Duration) error {
	path := "/readyz"
	if l.name == SystemSeed {
		path = "/healthz"
	}
	deadline := time.Now().Add(timeout)
	for {
		if l.proc.exited() {
			return fmt.Errorf("%s exited while starting: %s", l.name, l.proc.tail())
		}
		if get(l.base+path) && (l.name != SystemWarm || l.poolsFull(cfg)) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s was not ready within %s: %s", l.name, timeout, l.proc.tail())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// poolsFull reports whether serve-warm's room pool and warm bots are at their size.
func (l *launched) poolsFull(cfg Config) bool {
	m, err := scrape(l.base+"/metrics", "dialin_serve_room_pool_size", "dialin_serve_warm_bots_waiting")
	return err == nil && m["dialin_serve_room_pool_size"] >= float64(cfg.WarmRooms) && m["dialin_serve_warm_bots_waiting"] >= float64(cfg.WarmBots)
}

// seedUnavailable says why the seed runner cannot run here, or "".
func seedUnavailable(cfg Config) string {
	if cfg.SeedRunner == "" {
		return "seed runner not found: give --seed-runner PATH or set DIALIN_SEED_RUNNER"
	}
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
