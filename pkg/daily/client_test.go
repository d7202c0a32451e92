package daily_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestBaseURLAndUserAgent(t *testing.T) {
	t.Parallel()
	if got := daily.New("k").BaseURL(); got != daily.DefaultBaseURL {
		t.Fatalf("default base URL %q", got)
	}
	srv := dailytest.New(t)
	var wire bytes.Buffer
	c := daily.New(srv.APIKey, daily.WithBaseURL(srv.URL+"/"), daily.WithUserAgent("dialin-test/1.0"), daily.WithDebug(&wire))
	if c.BaseURL() != srv.URL {
		t.Fatalf("base URL %q, want %q without the trailing slash", c.BaseURL(), srv.URL)
	}
	must(c.Domain(testContext(t)))(t)
	if !strings.Contains(wire.String(), "User-Agent: dialin-test/1.0\n") {
		t.Fatalf("wire log lacks the user agent:\n%s", wire.String())
	}
	if n := srv.Count(http.MethodGet, "/"); n != 1 {
		t.Fatalf("GET / served %d", n)
	}
}

// TestClientIsSafeForConcurrentUse shares one client (limiter, observer, debug log) between
// goroutines; run with -race.
func TestClientIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	var wire bytes.Buffer
	var mu sync.Mutex
	attempts := 0
	c, _ := newClient(t, srv, daily.WithDebug(&wire), daily.WithObserver(func(daily.RequestInfo) {
		mu.Lock()
		attempts++
		mu.Unlock()
	}))
	ctx := testContext(t)
	srv.FailNext(http.StatusServiceUnavailable, 3)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			if _, err := c.Domain(ctx); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := srv.Count(http.MethodGet, "/"); n != 19 || attempts != 19 {
		t.Fatalf("served %d, observed %d attempts; want 19 (16 + 3 retries)", n, attempts)
	}
}
