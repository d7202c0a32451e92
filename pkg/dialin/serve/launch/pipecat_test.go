package launch_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
)

func newPipecat(t *testing.T, cfg launch.PipecatConfig) *launch.Pipecat {
	t.Helper()
	if cfg.Backoff == 0 {
		cfg.Backoff = 20 * time.Millisecond
	}
	p, err := launch.NewPipecat(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPipecatStartConnectsThroughTheRunner(t *testing.T) {
	t.Parallel()
	c := newCalls(t)
	r, _, url := runner(t, c.s)
	p := newPipecat(t, launch.PipecatConfig{URL: url + "/start", DailyAPIKey: c.s.APIKey, DailyAPIURL: c.s.URL,
		Codecs: []string{"OPUS"}, Body: map[string]any{"greeting": "hello"}})
	call := c.place(t)
	started, err := p.Start(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	rec := c.wait(t, call.CallID, "connected", "lost", "dropped")
	if rec.State != "connected" || rec.Room != path.Base(started.Room) || started.SessionID == "" {
		t.Fatalf("call %s in %q; started %+v", rec.State, rec.Room, started)
	}
	if sess, ok := r.Session(started.SessionID); !ok || sess.DialinSkipped != "" {
		t.Fatalf("the runner's bot did not get a DailyDialinRequest: %v", sess)
	}
}

func TestPipecatStartBodyIsPipecats(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_796_595_609, 0)
	p := newPipecat(t, launch.PipecatConfig{URL: "https://runner.example/start", DailyAPIKey: "dk", DailyAPIURL: "https://api.daily.co/v1",
		Codecs: []string{"OPUS"}, TokenProperties: map[string]any{"is_owner": true}, Body: map[string]any{"lang": "fr"},
		Now: func() time.Time { return now }})
	call := launch.DialinCall{CallID: "c1", CallDomain: "d1", From: "+1555", To: "+1415", SIPHeaders: map[string]string{"X-A": "1"},
		Room: launch.StartRoom{DisplayName: "+1555", NumEndpoints: 2, Exp: time.Minute}}
	b := p.StartBody(call)
	room := b["dailyRoomProperties"].(map[string]any)
	sip := room["sip"].(map[string]any)
	body := b["body"].(map[string]any)
	settings := body["dialin_settings"].(map[string]any)
	switch {
	case b["transport"] != "daily" || b["createDailyRoom"] != true || b["dailyMeetingTokenProperties"].(map[string]any)["is_owner"] != true:
		t.Fatalf("start %v", b)
	case sip["display_name"] != "+1555" || sip["sip_mode"] != "dial-in" || sip["num_endpoints"] != 2 || room["exp"] != now.Add(time.Minute).Unix():
		t.Fatalf("room %v", room)
	case settings["call_id"] != "c1" || settings["call_domain"] != "d1" || settings["To"] != "+1415" || settings["From"] != "+1555":
		t.Fatalf("dialin_settings %v", settings)
	case body["daily_api_key"] != "dk" || body["daily_api_url"] != "https://api.daily.co/v1" || body["lang"] != "fr":
		t.Fatalf("body %v", body)
	}
	omit := newPipecat(t, launch.PipecatConfig{URL: "https://runner.example/start", DailyAPIURL: "https://api.daily.co/v1", OmitDailyKey: true})
	if _, ok := omit.StartBody(call)["body"].(map[string]any)["daily_api_key"]; ok {
		t.Fatal("include_daily_key: false still sent daily_api_key")
	}
}

func TestNewPipecatRefusesUnsafeConfigs(t *testing.T) {
	t.Parallel()
	good := launch.PipecatConfig{URL: "http://127.0.0.1:7860/start", DailyAPIKey: "dk", DailyAPIURL: "http://127.0.0.1:1/v1"}
	cases := map[string]func(*launch.PipecatConfig){
		"plain http is allowed only to a loopback host":    func(c *launch.PipecatConfig) { c.URL = "http://bots.example.com/start" },
		"must be an absolute http or https URL":            func(c *launch.PipecatConfig) { c.URL = "bots.example.com/start" },
		"daily_api_key is set by serve":                    func(c *launch.PipecatConfig) { c.Body = map[string]any{"daily_api_key": "x"} },
		"Daily API key for the bot's body is required":     func(c *launch.PipecatConfig) { c.DailyAPIKey = "" },
		"the Daily API URL for the bot's body is required": func(c *launch.PipecatConfig) { c.DailyAPIURL = "" },
	}
	for want, mutate := range cases {
		cfg := good
		mutate(&cfg)
		if _, err := launch.NewPipecat(cfg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
	if _, err := launch.NewPipecat(launch.PipecatConfig{URL: "https://bots.example.com/start", DailyAPIURL: "x", OmitDailyKey: true}); err != nil {
		t.Errorf("https without a Daily key (include_daily_key: false): %v", err)
	}
	if u, err := launch.PipecatCloudStartURL("", "my-agent"); err != nil || u != "https://api.pipecat.daily.co/v1/public/my-agent/start" {
		t.Errorf("cloud URL %q %v", u, err)
	}
	if _, err := launch.PipecatCloudStartURL("", "a/b"); err == nil {
		t.Error("an agent name with / was accepted")
	}
}

// Pipecat Cloud's pool is full: the call waits (429s, retried with backoff) and connects
// when the first call ends and frees its session.
func TestPipecatCloudFullPoolWaitsThenConnects(t *testing.T) {
	t.Parallel()
	c := newCalls(t)
	_, counter, api := cloud(t, c.s, 1)
	start, _ := launch.PipecatCloudStartURL(api, "agent")
	p := newPipecat(t, launch.PipecatConfig{URL: start, APIKey: cloudKey, DailyAPIKey: c.s.APIKey, DailyAPIURL: c.s.URL})
	first, second := c.place(t), c.place(t)
	if _, err := p.Start(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	c.wait(t, first.CallID, "connected")
	second.WaitUntil = time.Now().Add(20 * time.Second)
	done := make(chan error, 1)
	go func() { _, err := p.Start(context.Background(), second); done <- err }()
	<-counter.first429 // the second call is waiting on a full pool
	if _, err := c.s.Hangup(first.CallID); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if rec := c.wait(t, second.CallID, "connected", "lost", "dropped"); rec.State != "connected" {
		t.Fatalf("second call %s", rec.State)
	}
}

func TestPipecatCloudFullPoolUntilTheQueueTimeout(t *testing.T) {
	t.Parallel()
	c := newCalls(t)
	_, counter, api := cloud(t, c.s, 1)
	start, _ := launch.PipecatCloudStartURL(api, "agent")
	p := newPipecat(t, launch.PipecatConfig{URL: start, APIKey: cloudKey, DailyAPIKey: c.s.APIKey, DailyAPIURL: c.s.URL})
	if _, err := p.Start(context.Background(), c.place(t)); err != nil {
		t.Fatal(err)
	}
	waiting := c.place(t)
	waiting.WaitUntil = time.Now().Add(300 * time.Millisecond)
	_, err := p.Start(context.Background(), waiting)
	// requests counts on arrival (tooMany only once the answer is written): the first
	// start, then at least two tries of the waiting call.
	if !errors.Is(err, launch.ErrPoolFull) || counter.requests.Load() < 3 {
		t.Fatalf("Start = %v after %d requests; want ErrPoolFull after retries", err, counter.requests.Load())
	}
	// A queue timeout of 0: one try, and the call is refused at once.
	before := counter.requests.Load()
	if _, err := p.Start(context.Background(), c.place(t)); !errors.Is(err, launch.ErrPoolFull) || counter.requests.Load() != before+1 {
		t.Fatalf("no wait: Start = %v after %d requests, want ErrPoolFull after 1", err, counter.requests.Load()-before)
	}
}

func TestPipecatCloudBadKeyIsOneClearError(t *testing.T) {
	t.Parallel()
	c := newCalls(t)
	_, counter, api := cloud(t, c.s, 1)
	start, _ := launch.PipecatCloudStartURL(api, "agent")
	p := newPipecat(t, launch.PipecatConfig{URL: start, APIKey: "pk_wrong_secret", DailyAPIKey: c.s.APIKey, DailyAPIURL: c.s.URL})
	_, err := p.Start(context.Background(), launch.DialinCall{CallID: "c", CallDomain: "d"})
	var se *launch.StatusError
	if !errors.As(err, &se) || se.Status != 401 || !strings.Contains(err.Error(), "Pipecat Cloud refused the API key (HTTP 401)") {
		t.Fatalf("Start = %v", err)
	}
	if n := counter.requests.Load(); n != 1 || strings.Contains(err.Error(), "pk_wrong_secret") {
		t.Fatalf("%d requests (want 1, no retry); err %v", n, err)
	}
}

// /start is not idempotent: an upstream 500 and an answer lost after the request arrived
// are never sent again.
func TestPipecatDoesNotRetryWhatReachedTheServer(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]http.HandlerFunc{
		"500": func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) },
		"lost answer": func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		},
	} {
		counter, url := serveCounted(t, h)
		p := newPipecat(t, launch.PipecatConfig{URL: url + "/start", DailyAPIKey: "dk", DailyAPIURL: "http://127.0.0.1:1/v1"})
		// Retries are allowed for 10 s, and still none is made.
		_, err := p.Start(context.Background(), launch.DialinCall{CallID: "c", WaitUntil: time.Now().Add(10 * time.Second)})
		if err == nil || counter.requests.Load() != 1 {
			t.Errorf("%s: err %v after %d requests, want an error after exactly 1", name, err, counter.requests.Load())
		}
	}
}

// A start that never reached the runner (the dial failed) is tried again.
func TestPipecatRetriesADialThatFailed(t *testing.T) {
	t.Parallel()
	c := newCalls(t)
	_, counter, url := runner(t, c.s)
	var dials atomic.Int64
	transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	p := newPipecat(t, launch.PipecatConfig{URL: url + "/start", DailyAPIKey: c.s.APIKey, DailyAPIURL: c.s.URL,
		Client: &http.Client{Transport: transport}})
	call := c.place(t)
	call.WaitUntil = time.Now().Add(10 * time.Second)
	if _, err := p.Start(context.Background(), call); err != nil {
		t.Fatal(err)
	}
	if dials.Load() != 2 || counter.requests.Load() != 1 {
		t.Fatalf("%d dials, %d requests; want 2 and 1", dials.Load(), counter.requests.Load())
	}
	c.wait(t, call.CallID, "connected")
}
