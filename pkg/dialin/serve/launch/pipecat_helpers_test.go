package launch_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/standin/pipecat"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
)

// calls is an emulator whose number's webhook goes to a handler that only records each
// call (as serve receives it, before it starts a bot).
type calls struct {
	s      *dailytest.Server
	number string
	got    chan launch.DialinCall
}

func newCalls(t *testing.T) *calls {
	t.Helper()
	c := &calls{s: dailytest.New(t, dailytest.WithoutRateLimit()), got: make(chan launch.DialinCall, 8)}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var b struct {
			From, To, CallID, CallDomain string
			SIPHeaders                   map[string]string
		}
		if json.Unmarshal(raw, &b) == nil && b.CallID != "" {
			c.got <- launch.DialinCall{CallID: b.CallID, CallDomain: b.CallDomain, From: b.From, To: b.To, SIPHeaders: b.SIPHeaders,
				Room: launch.StartRoom{DisplayName: b.From, Exp: 5 * time.Minute}, Body: raw, Header: r.Header.Clone()}
		}
	}))
	t.Cleanup(hook.Close)
	client := daily.New(c.s.APIKey, daily.WithBaseURL(c.s.URL), daily.WithoutRateLimit())
	num, err := client.BuyNumber(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{{PhoneNumber: num.Number, RoomCreationAPI: hook.URL}}); err != nil {
		t.Fatal(err)
	}
	c.number = num.Number
	return c
}

// place places a call and returns it as the webhook handler saw it.
func (c *calls) place(t *testing.T) launch.DialinCall {
	t.Helper()
	if _, err := c.s.PlaceCall(dailytest.CallSpec{To: c.number, From: "+15550001111", SIPHeaders: map[string]string{"X-Account": "42"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case call := <-c.got:
		return call
	case <-time.After(5 * time.Second):
		t.Fatal("the call's webhook never came")
		return launch.DialinCall{}
	}
}

func (c *calls) wait(t *testing.T, id string, states ...string) dailytest.CallRecord {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec, err := c.s.WaitCall(ctx, id, states...)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// counted serves h and counts its requests by status.
type counted struct {
	h        http.Handler
	requests atomic.Int64
	tooMany  atomic.Int64
	first429 chan struct{}
}

func (c *counted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.requests.Add(1)
	rec := &statusWriter{ResponseWriter: w}
	c.h.ServeHTTP(rec, r)
	if rec.status == http.StatusTooManyRequests && c.tooMany.Add(1) == 1 && c.first429 != nil {
		close(c.first429)
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// Unwrap lets http.ResponseController reach the connection (to hijack it).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func serveCounted(t *testing.T, h http.Handler) (*counted, string) {
	t.Helper()
	c := &counted{h: h, first429: make(chan struct{})}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return c, srv.URL
}

func runner(t *testing.T, s *dailytest.Server) (*pipecat.Runner, *counted, string) {
	t.Helper()
	r := pipecat.NewRunner(pipecat.Config{DailyAPIURL: s.URL, DailyAPIKey: s.APIKey, Dialin: true})
	t.Cleanup(r.Close)
	c, url := serveCounted(t, r.Handler())
	return r, c, url
}

const cloudKey = "pk_launch_test_secret"

func cloud(t *testing.T, s *dailytest.Server, maxSessions int) (*pipecat.Cloud, *counted, string) {
	t.Helper()
	pc := pipecat.NewCloud(pipecat.CloudConfig{Config: pipecat.Config{DailyAPIURL: s.URL, DailyAPIKey: s.APIKey},
		APIKey: cloudKey, Agents: []string{"agent"}, MaxSessions: maxSessions})
	t.Cleanup(pc.Close)
	c, url := serveCounted(t, pc.Handler())
	return pc, c, url + "/v1"
}
