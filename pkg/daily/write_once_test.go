package daily_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// A write of the routes is sent once: after a 429 the array may have changed, and re-sending
// the one computed before the wait would undo another writer's change. The error carries
// Retry-After for the caller (the routes writer), which re-reads before writing again.
func TestRoutesWritesAreSentOnceAndCarryRetryAfter(t *testing.T) {
	t.Parallel()
	var entries []daily.PinlessDialinEntry
	if err := json.Unmarshal([]byte(`[{"phone_number":"+14155550100","room_creation_api":"https://a.example.com/x"}]`), &entries); err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		name, method, path string
		call               func(*daily.Client) error
	}{
		{"SetPinlessDialin", http.MethodPost, "/", func(c *daily.Client) error {
			_, err := c.SetPinlessDialin(testContext(t), entries)
			return err
		}},
		{"UpdateDomain pinless_dialin", http.MethodPost, "/", func(c *daily.Client) error {
			_, err := c.UpdateDomain(testContext(t), map[string]any{"pinless_dialin": entries})
			return err
		}},
		{"CreateDialinConfigFields", http.MethodPost, "/domain-dialin-config", func(c *daily.Client) error {
			_, err := c.CreateDialinConfigFields(testContext(t), "pinless_dialin", map[string]any{"phone_number": "+14155550100", "room_creation_api": "https://a.example.com/x"})
			return err
		}},
	}
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		for _, w := range writes {
			srv := dailytest.New(t, dailytest.WithoutRateLimit())
			c, clock := newClient(t, srv, daily.WithoutRateLimit())
			srv.FailNext(status, 1, dailytest.RetryAfter(2*time.Second))
			err := w.call(c)
			var ae *daily.APIError
			if !errors.As(err, &ae) || ae.Status != status {
				t.Fatalf("%s after a %d: err = %v, want the APIError", w.name, status, err)
			}
			if ae.RetryAfter != 2*time.Second {
				t.Errorf("%s: RetryAfter = %v, want 2s", w.name, ae.RetryAfter)
			}
			if n := srv.Count(w.method, w.path); n != 1 {
				t.Errorf("%s after a %d: %s %s sent %d times, want 1", w.name, status, w.method, w.path, n)
			}
			if s := clock.Sleeps(); len(s) != 0 {
				t.Errorf("%s: the client waited %v itself", w.name, s)
			}
		}
	}
}

// Other domain properties keep the client's retries.
func TestUpdateDomainOtherPropertiesStillRetried(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	c, _ := newClient(t, srv, daily.WithoutRateLimit())
	srv.FailNext(http.StatusTooManyRequests, 1, dailytest.RetryAfter(time.Second))
	if _, err := c.UpdateDomain(testContext(t), map[string]any{"lang": "de"}); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(http.MethodPost, "/"); n != 2 {
		t.Fatalf("POST / sent %d times, want 2", n)
	}
}
