package servecmd

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// readReadyFile parses a --ready-file into its variables.
func readReadyFile(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("line %q is not KEY=value", line)
		}
		vars[k] = v
	}
	return vars
}

// With --addr 127.0.0.1:0, serve binds a port of its own choosing and writes the URLs it
// answers on to --ready-file, replacing a stale file; it removes the file when it stops.
func TestServeWritesItsRealURLsToTheReadyFile(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	secret := testSecret("route")
	routeTo(t, e, "127.0.0.1:9", secret) // serve needs a route's secret to be ready
	path := filepath.Join(t.TempDir(), "serve.env")
	stale := "DIALIN_SERVE_URL=http://127.0.0.1:9\n"
	if err := os.WriteFile(path, []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startServe(t, e, nil, "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--ready-file", path, "--bot-cmd", botCmd(t, ""))

	vars := readReadyFile(t, path)
	if vars[readyURLVar] != r.url || strings.HasSuffix(r.url, ":0") || strings.HasSuffix(r.url, ":9") {
		t.Fatalf("ready file %v, serve's URL %s", vars, r.url)
	}
	metrics := vars[readyMetricsURLVar]
	if !strings.HasSuffix(metrics, "/metrics") || strings.HasPrefix(metrics, r.url) {
		t.Fatalf("metrics URL %q should be the --metrics-addr listener's, not %s", metrics, r.url)
	}
	admin := vars[readyAdminURLVar]
	if !strings.HasPrefix(admin, "http://127.0.0.1:") || admin == r.url {
		t.Fatalf("admin URL %q should be the --admin-addr listener's", admin)
	}
	for _, u := range []string{r.url + "/healthz", metrics, admin + "/healthz", admin + "/metrics"} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", u, resp.StatusCode)
		}
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the ready file outlived serve: %v", err)
	}
}

// When serve cannot listen, it writes no ready file, and a stale one is gone: a script that
// waits for the file never reads a URL nobody answers on.
func TestServeThatCannotListenLeavesNoReadyFile(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t)
	taken := testkit.Listen(t).Addr().String()
	path := filepath.Join(t.TempDir(), "serve.env")
	if err := os.WriteFile(path, []byte("DIALIN_SERVE_URL=http://"+taken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := cmdtest.Exec(NewCmdServe(e.Factory, nil), "--addr", "127.0.0.1:0", "--metrics-addr", taken, "--ready-file", path, "--bot-cmd", "true", "--insecure-skip-verify")
	if err == nil || !strings.Contains(err.Error(), "--metrics-addr: cannot listen") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a ready file is left: %v", err)
	}
}
