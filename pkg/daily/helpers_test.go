package daily_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// newClient returns a client for srv whose waits (rate limiter, backoff) run on a fake clock.
func newClient(t *testing.T, srv *dailytest.Server, opts ...daily.Option) (*daily.Client, *daily.FakeClock) {
	t.Helper()
	clock := daily.NewFakeClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	all := append([]daily.Option{daily.WithBaseURL(srv.URL), daily.WithFakeClock(clock)}, opts...)
	return daily.New(srv.APIKey, all...), clock
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// hookReceiver is a loopback HTTP server standing in for a user's webhook endpoint: it
// answers 200 to every POST and counts them.
type hookReceiver struct {
	*httptest.Server
	hits atomic.Int64
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	h := &hookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.hits.Add(1)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(h.Close)
	return h
}

// must(v, err)(t) returns v, failing the test on err.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}
