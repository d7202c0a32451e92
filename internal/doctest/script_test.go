//go:build unix

package doctest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// script is a guide's bash script and, for each of its lines, where it came from.
type script struct {
	Text   string
	Origin []string // Origin[i] is "file:line" of script line i+1, "" for the prelude
}

// prelude makes every failing command end the script and say on which line it failed.
const prelude = "set -euo pipefail\n" +
	"trap 'echo \"doctest: exit status $? at script line $LINENO\" >&2' ERR\n"

func buildScript(file string, chunks []chunk) script {
	var s script
	add := func(line, origin string) {
		s.Text += line + "\n"
		s.Origin = append(s.Origin, origin)
	}
	for _, l := range strings.Split(strings.TrimSuffix(prelude, "\n"), "\n") {
		add(l, "")
	}
	for _, c := range chunks {
		for i, l := range strings.Split(strings.TrimSuffix(c.Code, "\n"), "\n") {
			add(l, fmt.Sprintf("%s:%d", file, c.Line+i))
		}
	}
	return s
}

// scriptResult is how a script ended.
type scriptResult struct {
	Output   []byte
	Err      error  // nil when bash exited 0
	TimedOut bool   // killed after the timeout
	Where    string // the guide's file:line of the failing command, when known
	Took     time.Duration
}

var failedAtRE = regexp.MustCompile(`doctest: exit status \d+ at script line (\d+)`)

// runScript runs s with bash in dir, in a process group of its own, and kills that group
// when bash exits (what the script left in the background) or after timeout.
func runScript(t *testing.T, s script, dir string, env []string, timeout time.Duration) scriptResult {
	t.Helper()
	scriptPath := filepath.Join(t.TempDir(), "guide.sh")
	if err := os.WriteFile(scriptPath, []byte(s.Text), 0o600); err != nil {
		t.Fatal(err)
	}
	output, err := os.Create(filepath.Join(t.TempDir(), "output"))
	if err != nil {
		t.Fatal(err)
	}
	defer output.Close()
	cmd := exec.Command("bash", scriptPath)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = output, output // a file: bash's exit does not wait for its children
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(timeout, func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	r := scriptResult{Err: cmd.Wait()}
	r.TimedOut = !timer.Stop()
	r.Took = time.Since(start)
	killGroup(cmd.Process.Pid)
	r.Output, _ = os.ReadFile(output.Name())
	if m := failedAtRE.FindSubmatch(r.Output); m != nil {
		if n, _ := strconv.Atoi(string(m[1])); n >= 1 && n <= len(s.Origin) {
			r.Where = s.Origin[n-1]
		}
	}
	return r
}

// killGroup ends a process group: SIGTERM first, so that serve and the emulator stop as they
// would for a person, then SIGKILL for anything still running after 2 s.
func killGroup(pgid int) {
	if err := syscall.Kill(-pgid, syscall.SIGTERM); errors.Is(err, syscall.ESRCH) {
		return
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if !groupRunning(pgid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// groupRunning reports whether a process of the group still runs. An exited process that its
// new parent has not reaped yet (a zombie: some init processes reap slowly) does not count;
// without /proc, it does.
func groupRunning(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			if state, pgrp, ok := procState(pid); ok && pgrp == pgid && state != "Z" {
				return true
			}
		}
	}
	return false
}

// processRunning reports whether pid exists and is not a zombie.
func processRunning(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	state, _, ok := procState(pid)
	return !ok || state != "Z"
}

// procState reads a process's state letter and process group from /proc/PID/stat.
func procState(pid int) (state string, pgrp int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, false
	}
	// "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 3 {
		return "", 0, false
	}
	pgrp, err = strconv.Atoi(f[2])
	return f[0], pgrp, err == nil
}

// tail returns the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("… (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

func TestBuildScriptMapsLinesBackToTheGuide(t *testing.T) {
	t.Parallel()
	s := buildScript("docs/x.md", []chunk{{Line: 3, Code: "a\nb\n"}, {Line: 10, Code: "c\n"}})
	n := len(s.Origin)
	if got := s.Origin[n-3:]; !reflect.DeepEqual(got, []string{"docs/x.md:3", "docs/x.md:4", "docs/x.md:10"}) {
		t.Fatalf("origins %q", got)
	}
	if s.Origin[0] != "" {
		t.Fatalf("the prelude is attributed to %q", s.Origin[0])
	}
}

func TestRunScriptReportsTheFailingLineAndKillsTheBackground(t *testing.T) {
	t.Parallel()
	chunks := extractChunks("```sh\nsleep 300 &\necho $! > bg.pid\n```\ntext\n```sh\ntrue\nfalse\necho not reached\n```\n")
	dir := t.TempDir()
	r := runScript(t, buildScript("x.md", chunks), dir, []string{"PATH=" + os.Getenv("PATH")}, 30*time.Second)
	if r.Err == nil || r.TimedOut {
		t.Fatalf("the script did not fail on `false` (err %v, timed out %v): %s", r.Err, r.TimedOut, r.Output)
	}
	if r.Where != "x.md:8" {
		t.Errorf("failure reported at %q, want x.md:8; output: %s", r.Where, r.Output)
	}
	if strings.Contains(string(r.Output), "not reached") {
		t.Error("the script went on after a failing command")
	}
	pidText, err := os.ReadFile(filepath.Join(dir, "bg.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidText)))
	if err != nil {
		t.Fatal(err)
	}
	if processRunning(pid) {
		t.Errorf("the background sleep (pid %d) still runs after the script", pid)
	}
}

func TestRunScriptKillsAScriptThatHangs(t *testing.T) {
	t.Parallel()
	chunks := extractChunks("```sh\nsleep 300\n```\n")
	r := runScript(t, buildScript("x.md", chunks), t.TempDir(), []string{"PATH=" + os.Getenv("PATH")}, 200*time.Millisecond)
	if !r.TimedOut || r.Err == nil {
		t.Fatalf("a hanging script was not killed at its timeout (err %v, timed out %v)", r.Err, r.TimedOut)
	}
}
