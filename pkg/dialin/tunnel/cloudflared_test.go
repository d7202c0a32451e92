package tunnel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
)

// cloudflared's own words when a quick tunnel is up (v2024+), in the box it draws.
const quickBanner = `2026-12-06T22:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...
2026-12-06T22:00:01Z INF +--------------------------------------------------------------------------------------------+
2026-12-06T22:00:01Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |
2026-12-06T22:00:01Z INF |  https://seasonal-deck-organisms-sf.trycloudflare.com                                      |
2026-12-06T22:00:01Z INF +--------------------------------------------------------------------------------------------+`

// fakeScript is the one fake `cloudflared`, written by TestMain before any test starts a
// process: a script written by a test while a parallel test forks can be held open for
// writing by the fork's child until it execs, and then starting it fails with "text file
// busy". Each test links it into a directory of its own, with the output and tail there.
var fakeScript string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "fake-cloudflared-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	fakeScript = filepath.Join(dir, "cloudflared")
	// It records its arguments and pid, prints the output file, then runs the tail file.
	script := "#!/bin/sh\nd=$(dirname \"$0\")\necho \"$@\" > \"$d/args\"\necho $$ > \"$d/pid\"\ncat \"$d/output\" >&2\n. \"$d/tail\"\n"
	if err := os.WriteFile(fakeScript, []byte(script), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// fakeCloudflared makes a `cloudflared` in a new directory: it records its arguments and
// pid, prints output, then runs tail (e.g. "exec sleep 600").
func fakeCloudflared(t *testing.T, output, tail string) (bin, dir string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake cloudflared is a shell script")
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "cloudflared")
	for name, content := range map[string]string{"output": output + "\n", "tail": tail + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(fakeScript, bin); err != nil {
		t.Fatal(err)
	}
	return bin, dir
}

func childPID(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

func TestQuickTunnelURL(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{
		"2026 INF |  https://seasonal-deck-organisms-sf.trycloudflare.com   |": "https://seasonal-deck-organisms-sf.trycloudflare.com",
		"2026 INF Requesting new quick Tunnel on trycloudflare.com...":         "",
		"2026 ERR failed to request https://api.trycloudflare.com/tunnel":      "",
		"2026 INF https://example.com":                                         "",
	} {
		got, ok := QuickTunnelURL(line)
		if ok != (want != "") || (ok && got != want) {
			t.Errorf("QuickTunnelURL(%q) = %q, %v; want %q", line, got, ok, want)
		}
	}
}

// TestCloudflaredFromPATH: the provider runs the cloudflared found on PATH with the local
// URL, reads the URL, and Close ends the child.
func TestCloudflaredFromPATH(t *testing.T) {
	bin, dir := fakeCloudflared(t, quickBanner, "exec sleep 600")
	t.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	c, err := FindCloudflared()
	if err != nil {
		t.Fatal(err)
	}
	tun, err := c.Open(context.Background(), "http://127.0.0.1:7")
	if err != nil {
		t.Fatal(err)
	}
	if tun.URL() != "https://seasonal-deck-organisms-sf.trycloudflare.com" {
		t.Fatalf("URL %q", tun.URL())
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	if got := strings.TrimSpace(string(args)); got != "tunnel --no-autoupdate --url http://127.0.0.1:7" {
		t.Fatalf("cloudflared ran with %q", got)
	}
	pid := childPID(t, dir)
	if err := tun.Close(); err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Fatalf("cloudflared (pid %d) still runs after Close", pid)
	}
	if tun.Err() != nil {
		t.Fatalf("a closed tunnel reports %v", tun.Err())
	}

	t.Setenv("PATH", t.TempDir())
	if _, err := FindCloudflared(); err == nil || !strings.Contains(err.Error(), "not on PATH") {
		t.Fatalf("without cloudflared: %v", err)
	}
}

func TestCloudflaredStubbornChildIsKilled(t *testing.T) {
	t.Parallel()
	bin, dir := fakeCloudflared(t, quickBanner, "trap '' INT TERM\nwhile :; do sleep 1; done")
	c := &Cloudflared{Bin: bin, KillAfter: 200 * time.Millisecond}
	tun, err := c.Open(context.Background(), "http://127.0.0.1:7")
	if err != nil {
		t.Fatal(err)
	}
	pid := childPID(t, dir)
	_ = tun.Close()
	if alive(pid) {
		t.Fatalf("cloudflared ignoring SIGINT (pid %d) still runs after Close", pid)
	}
}

func TestCloudflaredExitingDropsTheTunnel(t *testing.T) {
	t.Parallel()
	bin, dir := fakeCloudflared(t, quickBanner, "exec sleep 600")
	c := &Cloudflared{Bin: bin}
	tun, err := c.Open(context.Background(), "http://127.0.0.1:7")
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	if err := syscall.Kill(childPID(t, dir), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-tun.Done():
	case <-time.After(testkit.Patience):
		t.Fatal("the tunnel did not drop when cloudflared died")
	}
	if err := tun.Err(); !errors.Is(err, ErrDropped) || !strings.Contains(err.Error(), "cloudflared exited") {
		t.Fatalf("Err = %v, want a drop that names cloudflared", err)
	}
}

func TestCloudflaredExitBeforeURLShowsItsOutput(t *testing.T) {
	t.Parallel()
	bin, _ := fakeCloudflared(t, "2026 ERR failed to request quick Tunnel: 429 Too Many Requests", "exit 1")
	_, err := (&Cloudflared{Bin: bin}).Open(context.Background(), "http://127.0.0.1:7")
	if err == nil || !strings.Contains(err.Error(), "before printing a tunnel URL") || !strings.Contains(err.Error(), "429 Too Many Requests") {
		t.Fatalf("got %v, want the exit and cloudflared's output", err)
	}
}
