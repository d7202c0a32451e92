package launch

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestHTTPLaunchPostsTheCall(t *testing.T) {
	t.Parallel()
	var got CallInfo
	var key, ctype string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &got)
		key, ctype = r.Header.Get("Idempotency-Key"), r.Header.Get("Content-Type")
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	h, err := NewHTTP(HTTPConfig{URL: srv.URL + "/start"})
	if err != nil {
		t.Fatal(err)
	}
	call := CallInfo{RoomURL: "u", Token: "t", CallID: "c-1", From: "$(x)", SIPHeaders: map[string]string{"X": "y"}}
	b, err := h.Launch(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	if b.PID != 0 || b.Exited != nil {
		t.Fatalf("bot = %+v", b)
	}
	if !reflect.DeepEqual(got, call) || key != "c-1" || ctype != "application/json" {
		t.Fatalf("runner got %+v key %q type %q", got, key, ctype)
	}
}

// countingDialer refuses the first n connections, then dials for real.
func countingDialer(refuse int32, dials *atomic.Int32) *http.Client {
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= refuse {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		return d.DialContext(ctx, network, addr)
	}}}
}

func TestHTTPLaunchRetriesConnectionErrorsOnly(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(status)
	}))
	defer srv.Close()

	var dials atomic.Int32
	h, _ := NewHTTP(HTTPConfig{URL: srv.URL, Backoff: time.Millisecond, Client: countingDialer(2, &dials)})
	if _, err := h.Launch(context.Background(), CallInfo{CallID: "c"}); err != nil {
		t.Fatalf("after two refused connections: %v", err)
	}
	if dials.Load() != 3 || hits.Load() != 1 {
		t.Fatalf("dials %d hits %d", dials.Load(), hits.Load())
	}

	dials.Store(0)
	h, _ = NewHTTP(HTTPConfig{URL: srv.URL, Backoff: time.Millisecond, Attempts: 3, Client: countingDialer(10, &dials)})
	if _, err := h.Launch(context.Background(), CallInfo{}); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("always refused: %v", err)
	}
	if dials.Load() != 3 {
		t.Fatalf("dials %d, want 3 attempts", dials.Load())
	}

	// A runner that answered is never asked twice, whatever it answered.
	hits.Store(0)
	status = http.StatusInternalServerError
	h, _ = NewHTTP(HTTPConfig{URL: srv.URL, Backoff: time.Millisecond})
	if _, err := h.Launch(context.Background(), CallInfo{}); err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("500: %v", err)
	}
	if hits.Load() != 1 {
		t.Fatalf("hits %d after a 500, want 1", hits.Load())
	}
}

func TestHTTPLaunchTimeoutIsNotRetried(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-release
	}))
	defer srv.Close()
	defer close(release)
	h, _ := NewHTTP(HTTPConfig{URL: srv.URL, Timeout: 50 * time.Millisecond, Backoff: time.Millisecond})
	if _, err := h.Launch(context.Background(), CallInfo{}); err == nil {
		t.Fatal("no error from a runner that never answers")
	}
	if hits.Load() != 1 {
		t.Fatalf("hits %d, want 1: the runner may have the call", hits.Load())
	}
}

func TestNewHTTPRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "/start", "ftp://x/y", "http://", "localhost:9000/start"} {
		if _, err := NewHTTP(HTTPConfig{URL: u}); err == nil {
			t.Errorf("NewHTTP(%q): no error", u)
		}
	}
}
