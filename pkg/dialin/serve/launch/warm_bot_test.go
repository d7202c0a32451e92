package launch

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testbot"
)

// The warm test bot: the test binary started again with warmBotEnv set. Each bot takes the
// next step of the plan (comma-separated; the last step repeats), numbered by creating a
// file in the plan's directory:
//
//	ok        wait warmBotDelay, print the waiting line, read the call, acknowledge it,
//	          print the token (to test redaction), record, stay warmBotStay, exit 0
//	die       print the waiting line, then exit 3 after 50 ms without reading
//	hang      print the waiting line and never read stdin
//	silent    never print the waiting line (hangs before it is ready)
//	exit      exit 2 at once, without the waiting line (a bot that wants its call in its arguments)
//	noack     print the waiting line, read the call, never acknowledge it
const (
	warmBotEnv   = "WARM_TESTBOT"       // the plan
	warmBotDir   = "WARM_TESTBOT_DIR"   // sequence files and records
	warmBotDelay = "WARM_TESTBOT_DELAY" // start-up time of "ok" bots (Go duration)
	warmBotStay  = "WARM_TESTBOT_STAY"  // how long an "ok" bot stays after its call
)

// warmRecord is what an "ok" bot that got a call wrote.
type warmRecord struct {
	PID   int               `json:"pid"`
	Seq   int               `json:"seq"`
	Step  string            `json:"step"`
	Argv  []string          `json:"argv"`
	Env   map[string]string `json:"env"`
	Stdin string            `json:"stdin"`
}

func init() {
	plan := os.Getenv(warmBotEnv)
	if plan == "" {
		return
	}
	dir := os.Getenv(warmBotDir)
	seq := 0
	for ; ; seq++ {
		f, err := os.OpenFile(filepath.Join(dir, "seq-"+strconv.Itoa(seq)), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			break
		}
	}
	steps := strings.Split(plan, ",")
	step := steps[min(seq, len(steps)-1)]
	waiting := func() { fmt.Println(WarmWaitingLine) }
	switch step {
	case "exit":
		os.Exit(2)
	case "silent":
		time.Sleep(time.Hour)
	case "die":
		waiting()
		time.Sleep(50 * time.Millisecond)
		os.Exit(3)
	case "hang":
		waiting()
		time.Sleep(time.Hour)
	}
	if d, err := time.ParseDuration(os.Getenv(warmBotDelay)); err == nil {
		time.Sleep(d)
	}
	waiting()
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	if step == "noack" {
		time.Sleep(time.Hour)
	}
	fmt.Println(WarmAcceptedLine)
	var call CallInfo
	_ = json.Unmarshal([]byte(line), &call)
	fmt.Println("my token is", call.Token, "and my key is", os.Getenv("DAILY_API_KEY"))
	rec := warmRecord{PID: os.Getpid(), Seq: seq, Step: step, Argv: os.Args, Env: map[string]string{}, Stdin: line}
	for _, kv := range os.Environ() {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "DIALIN_") || strings.HasPrefix(k, "DAILY_") {
			rec.Env[k] = v
		}
	}
	b, _ := json.Marshal(rec)
	tmp := filepath.Join(dir, fmt.Sprintf(".rec-%d", rec.PID))
	if os.WriteFile(tmp, b, 0o600) == nil {
		_ = os.Rename(tmp, filepath.Join(dir, fmt.Sprintf("rec-%d.json", rec.PID)))
	}
	if d, err := time.ParseDuration(os.Getenv(warmBotStay)); err == nil {
		time.Sleep(d)
	}
	os.Exit(0)
}

// warmRecords reads the records of the bots that got a call.
func warmRecords(t *testing.T, dir string) []warmRecord {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "rec-*.json"))
	var out []warmRecord
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r warmRecord
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// warmEnv is the environment of warm test bots following plan.
func warmEnv(t *testing.T, plan string, extra ...string) (env []string, dir string) {
	dir = t.TempDir()
	return append([]string{warmBotEnv + "=" + plan, warmBotDir + "=" + dir, testbot.RaceEnv,
		"DIALIN_WEBHOOK_SECRET=c2VjcmV0", "DAILY_API_KEY=inherited"}, extra...), dir
}

// alive reports whether a process exists (and is not a zombie we could still signal).
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err == nil {
		fields := strings.Fields(string(b))
		if len(fields) > 2 && fields[2] == "Z" {
			return false
		}
	}
	return p.Signal(syscall.Signal(0)) == nil
}
