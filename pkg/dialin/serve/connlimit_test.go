package serve

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/testkit"
)

// With the webhook listener's connections all taken by slow clients, serve accepts no more
// of them, yet /healthz and /readyz still answer and a webhook gets 503 at once; a freed
// slot serves again.
func TestConnectionCapKeepsHealthAnswering(t *testing.T) {
	t.Parallel()
	const max = 3
	h := newHarness(t, harnessOpts{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	limited := LimitListener(ln, max, h.srv.HealthHandler()).(*limitListener)
	hs := &http.Server{Handler: h.srv.Handler()}
	go hs.Serve(limited)
	t.Cleanup(func() { hs.Close() })
	addr := ln.Addr().String()

	var slow []net.Conn
	for range max {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		io.WriteString(c, "POST /dialin HTTP/1.1\r\nHost: x\r\n") // and never the rest
		slow = append(slow, c)
	}
	testkit.Eventually(t, "the slow connections to take every slot", func() bool { return len(limited.slots) == max })

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(method, path string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader("{}"))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(http.MethodGet, "/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Fatalf("/healthz at the cap: %d %s", code, body)
	}
	if code, body := get(http.MethodGet, "/readyz"); code != 200 {
		t.Fatalf("/readyz at the cap: %d %s", code, body)
	}
	if code, body := get(http.MethodPost, "/dialin"); code != 503 || !strings.Contains(body, "too many open connections") {
		t.Fatalf("webhook at the cap: %d %s", code, body)
	}
	if len(limited.slots) != max {
		t.Fatalf("%d slots taken, want %d: an answer past the cap took a slot", len(limited.slots), max)
	}
	slow[0].Close()
	testkit.Eventually(t, "the closed connection's slot to be freed", func() bool { return len(limited.slots) < max })
	if code, body := get(http.MethodPost, "/dialin"); code != 200 || !strings.Contains(body, `"test"`) {
		t.Fatalf("webhook below the cap: %d %s (want serve's answer to a test body)", code, body)
	}
}
