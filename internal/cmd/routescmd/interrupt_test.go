//go:build !windows

package routescmd

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// holdProxy forwards to the emulator but holds every write of the routes until released,
// and says when one arrived: the moment a write has been sent.
type holdProxy struct {
	URL     string
	arrived chan struct{}
	release chan struct{}
}

func newHoldProxy(t *testing.T, upstream string) *holdProxy {
	p := &holdProxy{arrived: make(chan struct{}, 16), release: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if isRoutesWrite(r) {
			p.arrived <- struct{}{}
			<-p.release
		}
		req, _ := http.NewRequest(r.Method, upstream+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		select {
		case <-p.release:
		default:
			close(p.release)
		}
	})
	p.URL = srv.URL
	return p
}

// waitFor polls buf until it holds want or the deadline passes.
// TestCtrlCDuringAWrite runs `dialin routes set` as a real process and interrupts it while
// its write is at Daily (held by the proxy). One Ctrl-C: the write finishes, is read back
// and verified, exit 0. Two: "may have been applied; check `dialin routes list`; backup at
// PATH", exit 130 — before the change, the first Ctrl-C already ended it with
// "error: interrupted", the write unverified and the backup not named.
func TestCtrlCDuringAWrite(t *testing.T) {
	t.Parallel()
	for _, presses := range []int{1, 2} {
		srv := dailytest.New(t, dailytest.WithoutRateLimit())
		srv.SeedPurchased("+14155550400", time.Now().Add(-30*24*time.Hour))
		proxy := newHoldProxy(t, srv.URL)
		dir := t.TempDir()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := DialinCommand(ctx, t, []string{
			"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "NO_COLOR=1",
			"DAILY_API_URL=" + proxy.URL, "DAILY_API_KEY=" + srv.APIKey,
			"DIALIN_CONFIG_DIR=" + filepath.Join(dir, "config"), "DIALIN_STATE_DIR=" + filepath.Join(dir, "state"),
		}, "routes", "set", "--number", "+14155550400", "--url", "https://bots.example.com/dialin", "--yes")
		var stderr testkit.SyncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		<-proxy.arrived
		_ = cmd.Process.Signal(syscall.SIGINT)
		testkit.Eventually(t, "the first interrupt acknowledged on stderr", func() bool { return strings.Contains(stderr.String(), "finishing the write already sent") })
		if presses == 2 {
			_ = cmd.Process.Signal(syscall.SIGINT)
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Fatalf("two Ctrl-C: %v, want exit 130; stderr:\n%s", err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "may have been applied; check `dialin routes list`; backup at "+filepath.Join(dir, "state")) {
				t.Fatalf("stderr:\n%s", stderr.String())
			}
			continue
		}
		close(proxy.release)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("one Ctrl-C: %v; stderr:\n%s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "(read back and verified)") {
			t.Fatalf("stderr:\n%s", stderr.String())
		}
		if live := srv.PinlessDialin(); len(live) != 1 || live[0]["room_creation_api"] != "https://bots.example.com/dialin" {
			t.Fatalf("routes: %s", masked(live))
		}
	}
}
