package serve

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testbot"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

const testNumber = "+14155550100"

// harness is serve in front of the emulator, with the test binary as the bot.
type harness struct {
	t        *testing.T
	emu      *dailytest.Server
	client   *daily.Client
	srv      *Server
	hs       *httptest.Server
	secret   string // the route's hmac
	evSecret string // the events webhook's hmac
	out      string // bot records
	alive    string // markers of running bots
	events   *recorder
	logs     *syncBuffer
	metrics  *Metrics
}

type harnessOpts struct {
	cfg      *serveconfig.Config // nil: a default rule with the seed's arguments
	botEnv   []string            // extra testbot settings
	deps     func(*Deps)
	emuOpts  []dailytest.Option
	events   bool // register the /webhooks subscription (dialin.* events)
	noStart  bool
	noRoutes bool
	// dailyLimits keeps Daily's rate limits on in the emulator and serve's client.
	dailyLimits bool
}

// seedArgs is the seed's bot command line after the program.
const seedArgs = "-u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}"

func newSecret(t *testing.T, seed string) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%-32s", seed+t.Name())[:32]))
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	emuOpts, clientOpts := []dailytest.Option{dailytest.WithoutRateLimit()}, []daily.Option{daily.WithoutRateLimit()}
	if o.dailyLimits {
		emuOpts, clientOpts = nil, nil
	}
	emu := dailytest.New(t, append(append(emuOpts, dailytest.WithReadyDelay(20*time.Millisecond)), o.emuOpts...)...)
	h := &harness{t: t, emu: emu, secret: newSecret(t, "route"), evSecret: newSecret(t, "events"),
		out: t.TempDir(), alive: t.TempDir(), events: newRecorder(), logs: &syncBuffer{}, metrics: NewMetrics()}
	h.client = daily.New(emu.APIKey, append(clientOpts, daily.WithBaseURL(emu.URL), daily.WithObserver(h.metrics.ObserveDaily))...)
	cfg := o.cfg
	if cfg == nil {
		cfg = &serveconfig.Config{}
	}
	if cfg.Default == nil && len(cfg.Rules) == 0 {
		cfg.Default = &rules.Rule{Bot: rules.Bot{Cmd: fmt.Sprintf("'%s' %s", self, seedArgs)}}
	}
	for i := range cfg.Rules {
		if cfg.Rules[i].Bot.Cmd == "SELF" {
			cfg.Rules[i].Bot.Cmd = fmt.Sprintf("'%s' %s", self, seedArgs)
		}
	}
	d := Deps{
		Client: h.client, APIKey: emu.APIKey, Metrics: h.metrics, Sink: h.events,
		Logger: slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		BotEnv: append([]string{testbot.EnvMode + "=1", testbot.EnvOut + "=" + h.out, testbot.EnvAlive + "=" + h.alive, testbot.RaceEnv}, o.botEnv...),
	}
	if o.deps != nil {
		o.deps(&d)
	}
	h.srv, err = New(cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	h.hs = httptest.NewServer(h.srv.Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		h.srv.Shutdown(ctx)
		h.hs.Close()
		// serve leaves bots running; the test ends the ones it started, by their pid.
		for _, e := range h.events.of(EventBotStarted, "") {
			if p, err := os.FindProcess(e.PID); err == nil && e.PID > 0 {
				_ = p.Kill()
			}
		}
	})
	ctx := context.Background()
	if !o.noRoutes {
		emu.SeedPurchased(testNumber, time.Now().Add(-30*24*time.Hour))
		_, err := h.client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{PhoneNumber: testNumber, RoomCreationAPI: h.hs.URL + cfg.WebhookPath, HMAC: h.secret}})
		if err != nil {
			t.Fatal(err)
		}
		// Daily verifies the new route with a test POST; let it land before the test starts
		// counting requests (an unknown signature makes serve read the secrets).
		testkit.Eventually(t, "Daily's verification of the route", func() bool { return len(h.events.of(EventTest, "")) == 1 })
	}
	if o.events {
		if _, err := h.client.CreateWebhook(ctx, daily.WebhookRequest{URL: h.hs.URL + cfg.EventsPath, HMAC: h.evSecret}); err != nil {
			t.Fatal(err)
		}
	}
	if !o.noStart {
		if err := h.srv.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// callBody is a dial-in webhook body.
func callBody(id, to, from string, headers map[string]string) []byte {
	m := map[string]any{"To": to, "From": from, "callId": id, "callDomain": "dom-" + id}
	if headers != nil {
		m["sipHeaders"] = headers
	}
	b, _ := json.Marshal(m)
	return b
}

// post sends body to the webhook path, signed with secret at ts ("" for now; secret "" for
// no signature headers).
func (h *harness) post(path string, body []byte, secret, ts string) (int, reply) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.hs.URL+path, bytes.NewReader(body))
	if secret != "" {
		if ts == "" {
			ts = strconv.FormatInt(time.Now().Unix(), 10)
		}
		sig, err := webhook.Sign(secret, ts, body)
		if err != nil {
			h.t.Fatal(err)
		}
		if path == h.srv.cfg.EventsPath {
			req.Header.Set(webhook.EventTimestampHeader, ts)
			req.Header.Set(webhook.EventSignatureHeader, sig)
		} else {
			req.Header.Set(webhook.PinlessTimestampHeader, ts)
			req.Header.Set(webhook.PinlessSignatureHeader, sig)
		}
	}
	return h.do(req)
}

func (h *harness) do(req *http.Request) (int, reply) {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r reply
	if err := json.Unmarshal(raw, &r); err != nil {
		h.t.Fatalf("answer %d is not JSON: %q", resp.StatusCode, raw)
	}
	return resp.StatusCode, r
}

// records returns the bot runs so far.
func (h *harness) records() []testbot.Record {
	h.t.Helper()
	recs, err := testbot.Read(h.out)
	if err != nil {
		h.t.Fatal(err)
	}
	return recs
}

// routeElsewhere configures the route with the harness's secret but another webhook URL, so
// that Daily's verification POST does not reach serve (it would make serve read the secrets
// on its own, before Start).
func (h *harness) routeElsewhere() {
	h.t.Helper()
	h.emu.SeedPurchased(testNumber, time.Now().Add(-30*24*time.Hour))
	entry := daily.PinlessDialinEntry{PhoneNumber: testNumber, RoomCreationAPI: "http://127.0.0.1:1/dialin", HMAC: h.secret}
	if _, err := h.client.SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{entry}); err != nil {
		h.t.Fatal(err)
	}
}
