// Package testbot is a bot for serve's tests: the test binary re-executes itself as this bot
// (TestMain calls Main when SERVE_TESTBOT is set). It records what it was given — argv,
// environment and the JSON line on stdin — to a file, and can act like a real telephony bot
// against the emulator: join the room, wait for its SIP endpoint to be ready, and patch the
// held call with pinlessCallUpdate.
package testbot

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Environment variables that steer the bot (not DIALIN_*: serve strips those from bots).
const (
	EnvMode  = "SERVE_TESTBOT"       // "1": run as the bot
	EnvOut   = "SERVE_TESTBOT_OUT"   // directory for one <pid>.json record per run
	EnvAlive = "SERVE_TESTBOT_ALIVE" // directory of markers of running bots (counts concurrency)
	EnvSleep = "SERVE_TESTBOT_SLEEP" // stay alive this long (Go duration) after the work
	EnvExit  = "SERVE_TESTBOT_EXIT"  // exit status at the end
	EnvJoin  = "SERVE_TESTBOT_JOIN"  // "1": join the room at the emulator and wait for ready
	EnvPrint = "SERVE_TESTBOT_PRINT" // text printed on stdout and stderr (after argv[1:])
	// EnvStandin "1": be internal/standin (what `dialin demo` runs) instead: read the call
	// from stdin and take it, patching when given an API key.
	EnvStandin = "SERVE_TESTBOT_STANDIN"
)

// RaceEnv keeps a race-enabled bot from sleeping a second at exit (the race runtime's
// default), which would make every bot of a -race test slow to end.
const RaceEnv = "GORACE=atexit_sleep_ms=0"

// Record is what one bot run saw.
type Record struct {
	PID      int               `json:"pid"`
	Argv     []string          `json:"argv"`
	Env      map[string]string `json:"env"` // DIALIN_* and DAILY_* only
	Stdin    string            `json:"stdin"`
	Alive    int               `json:"alive"` // bots running when this one started, itself included
	Ready    []string          `json:"ready,omitempty"`
	Patched  bool              `json:"patched"`
	Problems []string          `json:"problems,omitempty"`
}

// Main runs the bot and exits.
func Main() {
	if os.Getenv(EnvStandin) == "1" {
		runStandin()
	}
	rec := Record{PID: os.Getpid(), Argv: os.Args, Env: map[string]string{}}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "DIALIN_") || strings.HasPrefix(k, "DAILY_") {
			rec.Env[k] = v
		}
	}
	var marker string
	if dir := os.Getenv(EnvAlive); dir != "" {
		marker = filepath.Join(dir, strconv.Itoa(rec.PID))
		_ = os.WriteFile(marker, nil, 0o600)
		entries, _ := os.ReadDir(dir)
		rec.Alive = len(entries)
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		rec.Problems = append(rec.Problems, "stdin: "+err.Error())
	}
	rec.Stdin = line
	if p := os.Getenv(EnvPrint); p != "" {
		fmt.Fprintln(os.Stdout, p)
		fmt.Fprintln(os.Stderr, p)
	}
	if os.Getenv(EnvJoin) == "1" {
		takeCall(&rec)
	}
	write(rec)
	if d, err := time.ParseDuration(os.Getenv(EnvSleep)); err == nil {
		time.Sleep(d)
	}
	if marker != "" {
		_ = os.Remove(marker)
	}
	code, _ := strconv.Atoi(os.Getenv(EnvExit))
	os.Exit(code)
}

func write(rec Record) {
	dir := os.Getenv(EnvOut)
	if dir == "" {
		return
	}
	b, _ := json.Marshal(rec)
	tmp := filepath.Join(dir, fmt.Sprintf(".%d.tmp", rec.PID))
	if os.WriteFile(tmp, b, 0o600) == nil {
		_ = os.Rename(tmp, filepath.Join(dir, fmt.Sprintf("%d.json", rec.PID)))
	}
}

// Read returns the records written to dir so far.
func Read(dir string) ([]Record, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, r)
	}
	return out, nil
}
