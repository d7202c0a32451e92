//go:build unix

package doctest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// showOutput logs every script's output, for writing a guide: go test -run
// 'TestGuides/docs/numbers.md' ./internal/doctest/ -v -args -doctest.output
var showOutput = flag.Bool("doctest.output", false, "log the output of every guide's script")

// scriptTimeout bounds one guide's script, background processes included.
const scriptTimeout = 90 * time.Second

// ownedNumbers are the numbers the guides use as "your number": each script's emulator owns
// them, bought 30 days ago (past Daily's 14-day release lock), as `dialin emulator
// --seed-number` does. Documented in docs/README.md.
var ownedNumbers = []string{"+14155550100", "+14155550101"}

// TestGuides runs each guide's sh blocks, in order, as one bash script. The guides start
// serve on a port it picks (--addr 127.0.0.1:0 --ready-file), so they run side by side, and
// beside any serve that holds the default port 7860.
func TestGuides(t *testing.T) {
	ran := 0
	for _, file := range guideFiles(t) {
		text, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Fatal(err)
		}
		chunks := extractChunks(string(text))
		if len(chunks) == 0 {
			continue
		}
		ran++
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			runGuide(t, file, chunks)
		})
	}
	if ran == 0 {
		t.Fatal("no guide has an sh block: the extraction is broken")
	}
}

func runGuide(t *testing.T, file string, chunks []chunk) {
	work := t.TempDir()
	if err := os.Symlink(filepath.Join(binDir, "dialin"), filepath.Join(work, "dialin")); err != nil {
		t.Fatal(err)
	}
	// The guides run deploy/serve.yaml and friends as a user would, from a checkout.
	if err := os.CopyFS(filepath.Join(work, "deploy"), os.DirFS(filepath.Join(repoRoot, "deploy"))); err != nil {
		t.Fatal(err)
	}
	emu, err := dailytest.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	for _, n := range ownedNumbers {
		emu.SeedPurchased(n, emu.Clock().Now().Add(-30*24*time.Hour))
	}

	r := runScript(t, buildScript(file, chunks), work, scriptEnv(work, emu), scriptTimeout)
	t.Logf("%s: %d blocks in %v", file, len(chunks), r.Took.Round(time.Millisecond))
	if *showOutput {
		t.Logf("output:\n%s", r.Output)
	}
	switch {
	case r.TimedOut:
		t.Errorf("%s: killed after %v; the output:\n%s", file, scriptTimeout, tail(r.Output, 80))
	case r.Err != nil:
		where := r.Where
		if where == "" {
			where = "an unknown line"
		}
		t.Errorf("%s: the script failed (%v) at %s; the output:\n%s", file, r.Err, where, tail(r.Output, 80))
	}
}

// scriptEnv is the whole environment of a guide's script: nothing of the developer's dialin
// setup leaks in, and Daily is the emulator.
func scriptEnv(work string, emu *dailytest.Server) []string {
	env := []string{
		"PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + work,
		// go (its telemetry) writes under the config directory in the background, after the
		// script ends; keep that out of the scratch directory, which the test removes.
		"XDG_CONFIG_HOME=" + filepath.Join(binDir, "xdg-config"),
		"DIALIN_CONFIG_DIR=" + filepath.Join(work, ".config", "dialin"),
		"DIALIN_STATE_DIR=" + filepath.Join(work, ".local", "state", "dialin"),
		"DAILY_API_URL=" + emu.URL,
		"DAILY_API_KEY=" + emu.APIKey,
		// A guide that starts its own emulator can come back to this one (doctest-setup).
		"DOCTEST_DAILY_API_URL=" + emu.URL,
		"DOCTEST_DAILY_API_KEY=" + emu.APIKey,
		// Anything that tries to leave the machine through a proxy-aware client fails at
		// once; loopback is never proxied.
		"HTTP_PROXY=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9",
		"http_proxy=http://127.0.0.1:9", "https_proxy=http://127.0.0.1:9",
		"NO_PROXY=127.0.0.1,localhost,::1", "no_proxy=127.0.0.1,localhost,::1",
		"NO_COLOR=1",
		"TERM=dumb",
		"LANG=C.UTF-8",
		"TMPDIR=" + os.TempDir(),
	}
	return append(env, goEnv...)
}
