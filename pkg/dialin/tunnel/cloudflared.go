package tunnel

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Cloudflared runs `cloudflared tunnel --url LOCAL` (a Cloudflare quick tunnel, no account)
// as a child process and reads the tunnel's URL from its output. The child lives as long
// as the tunnel: Close stops it, and its exiting drops the tunnel.
type Cloudflared struct {
	// Bin is the cloudflared executable (FindCloudflared looks it up on PATH).
	Bin string
	// StartTimeout bounds the wait for the URL; 0 means 45 s (Cloudflare can be slow).
	StartTimeout time.Duration
	// KillAfter is how long Close waits after asking the child to stop before killing it;
	// 0 means 5 s.
	KillAfter time.Duration
}

// FindCloudflared is the provider with cloudflared from PATH, or an error that says what
// to do instead.
func FindCloudflared() (*Cloudflared, error) {
	p, err := exec.LookPath("cloudflared")
	if err != nil {
		return nil, errors.New("--tunnel cloudflared: cloudflared is not on PATH; install it (https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/), or use --tunnel ngrok or --public-url")
	}
	return &Cloudflared{Bin: p}, nil
}

// Name implements Provider.
func (*Cloudflared) Name() string { return "cloudflared" }

// quickTunnelURL is the URL cloudflared prints in a box once a quick tunnel exists.
var quickTunnelURL = regexp.MustCompile(`https://[a-z0-9-]+\.trycloudflare\.com\b`)

// QuickTunnelURL returns the quick tunnel's URL if line of cloudflared's output holds it.
func QuickTunnelURL(line string) (string, bool) {
	u := quickTunnelURL.FindString(line)
	return u, u != "" && !strings.Contains(line, "api.trycloudflare.com")
}

// Open implements Provider.
func (c *Cloudflared) Open(ctx context.Context, local string) (Tunnel, error) {
	cmd := exec.Command(c.Bin, "tunnel", "--no-autoupdate", "--url", local)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.WaitDelay = 2 * time.Second // a grandchild holding the output must not hold Wait
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cloudflared: %w", err)
	}
	out := &tail{}
	found := make(chan string, 1)
	readAll := make(chan struct{}) // closed once every line of the output is in out
	go func() {
		defer close(readAll)
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() { // read to the end, or the child blocks on a full pipe
			line := sc.Text()
			out.add(line)
			if u, ok := QuickTunnelURL(line); ok && !sent {
				sent = true
				found <- u
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	exited := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		pw.Close()
		exited <- err
	}()
	stop := c.stopper(cmd, exited)

	timeout := c.StartTimeout
	if timeout <= 0 {
		timeout = 45 * time.Second
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case u := <-found:
		h := NewHandle(u, stop)
		go func() {
			select {
			case err := <-exited:
				exited <- err // for stop, which may run later
				select {
				case <-readAll:
				case <-time.After(2 * time.Second):
				}
				h.Drop(fmt.Errorf("cloudflared exited (%v); its last output:\n%s", exitText(err), out.String()))
			case <-h.Done():
			}
		}()
		return h, nil
	case err := <-exited:
		// Wait closed the pipe: the reader ends at once, with the last lines in out.
		select {
		case <-readAll:
		case <-time.After(2 * time.Second):
		}
		return nil, fmt.Errorf("cloudflared exited (%s) before printing a tunnel URL; its output:\n%s", exitText(err), out.String())
	case <-timer.C:
		_ = stop()
		return nil, fmt.Errorf("cloudflared printed no tunnel URL within %s; its output:\n%s", timeout, out.String())
	case <-ctx.Done():
		_ = stop()
		return nil, ctx.Err()
	}
}

// stopper returns the function that ends the child: asked to stop (SIGINT, which
// cloudflared handles by closing its connections), then killed after KillAfter.
func (c *Cloudflared) stopper(cmd *exec.Cmd, exited chan error) func() error {
	var once sync.Once
	return func() error {
		once.Do(func() {
			grace := c.KillAfter
			if grace <= 0 {
				grace = 5 * time.Second
			}
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				_ = cmd.Process.Kill() // Windows has no SIGINT for a child; or it is gone
			}
			select {
			case err := <-exited:
				exited <- err
			case <-time.After(grace):
				_ = cmd.Process.Kill()
				exited <- <-exited
			}
		})
		return nil
	}
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// tail keeps the last lines of a child's output, for error messages.
type tail struct {
	mu    sync.Mutex
	lines []string
}

const tailLines = 15

func (t *tail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, "  "+line)
	if len(t.lines) > tailLines {
		t.lines = t.lines[len(t.lines)-tailLines:]
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == 0 {
		return "  (nothing)"
	}
	return strings.Join(t.lines, "\n")
}
