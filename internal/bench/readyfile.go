package bench

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// startTimeout bounds how long a serve process may take to listen and write its ready file.
const startTimeout = 30 * time.Second

// waitServeURL waits for the --ready-file of serve process c and returns its
// DIALIN_SERVE_URL. It fails at once if c exits first.
func waitServeURL(ctx context.Context, c *child, path string, timeout time.Duration) (string, error) {
	return waitReadyURL(ctx, c, path, "DIALIN_SERVE_URL", timeout)
}

// waitReadyURL waits for the ready file of process c (serve's or a stand-in's, each bound to
// a port of its own) and returns the URL its variable names. It fails at once if c exits first.
func waitReadyURL(ctx context.Context, c *child, path, variable string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		if data, err := os.ReadFile(path); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if url, ok := strings.CutPrefix(line, variable+"="); ok {
					return url, nil
				}
			}
			return "", fmt.Errorf("%s: %s has no %s", c.name, path, variable)
		}
		if c.exited() {
			return "", fmt.Errorf("%s exited while starting: %s", c.name, c.tail())
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("%s did not listen within %s: %s", c.name, timeout, c.tail())
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
