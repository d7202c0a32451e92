package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/dialin-project/dialin/internal/cmd/servecmd"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// readyDelay is the emulator's time from a bot joining to the room's SIP endpoint being
// ready: about what Daily takes.
const readyDelay = 150 * time.Millisecond

// world is everything the demo runs: the emulator, serve in front of it, the route.
type world struct {
	o       *Options
	emu     *dailytest.Server
	setup   *daily.Client // the demo's own requests (number, route, webhook)
	srv     *serve.Server
	hs      *http.Server
	url     string // serve's base URL
	number  string
	botCmd  string
	runner  *pipecatRunner // with --bot pipecat
	tracker *tracker
	tmp     string
}

// startWorld starts the emulator, buys a number, starts serve and points the route (and
// with patch: serve, the /webhooks subscription) at it.
func startWorld(ctx context.Context, o *Options) (w *world, err error) {
	w = &world{o: o, tracker: newTracker()}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	if w.tmp, err = os.MkdirTemp("", "dialin-demo-"); err != nil {
		return w, err
	}
	w.emu, err = dailytest.Start("127.0.0.1:0", dailytest.WithReadyDelay(readyDelay), dailytest.WithHoldTimeout(o.HoldTimeout), dailytest.WithoutRateLimit())
	if err != nil {
		return w, fmt.Errorf("starting the emulator: %w", err)
	}
	w.setup = daily.New(w.emu.APIKey, daily.WithBaseURL(w.emu.URL), daily.WithoutRateLimit())
	if err := w.buyNumber(ctx); err != nil {
		return w, err
	}
	if o.Bot == BotPipecat {
		if err := w.startPipecatRunner(); err != nil {
			return w, fmt.Errorf("starting the Pipecat runner stand-in: %w", err)
		}
	}
	if err := w.startServe(); err != nil {
		return w, err
	}
	route := daily.PinlessDialinEntry{PhoneNumber: w.number, RoomCreationAPI: w.url + serveconfig.DefaultWebhookPath, HMAC: newSecret()}
	if _, err := w.setup.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{route}); err != nil {
		return w, fmt.Errorf("setting the route: %w", err)
	}
	if o.Patch == serveconfig.PatchServe {
		hook := daily.WebhookRequest{URL: w.url + serveconfig.DefaultEventsPath, HMAC: newSecret(), EventTypes: []string{"dialin.ready", "dialin.connected", "dialin.stopped"}}
		if _, err := w.setup.CreateWebhook(ctx, hook); err != nil {
			return w, fmt.Errorf("subscribing serve to Daily's events: %w", err)
		}
	}
	if err := w.srv.Start(ctx); err != nil {
		return w, fmt.Errorf("starting serve: %w", err)
	}
	if ok, why := w.srv.Ready(); !ok {
		return w, fmt.Errorf("serve is not ready: %s", why)
	}
	return w, nil
}

func (w *world) buyNumber(ctx context.Context) error {
	found, err := w.setup.SearchNumbers(ctx, daily.NumberSearch{AreaCode: "415"})
	if err != nil || len(found) == 0 {
		return fmt.Errorf("finding a number in the emulator: %v", err)
	}
	bought, err := w.setup.BuyNumber(ctx, found[0].Number)
	if err != nil {
		return fmt.Errorf("buying a number in the emulator: %w", err)
	}
	w.number = bought.Number
	return nil
}

// startServe runs the real engine on a loopback port, with this binary's standin-bot as the
// bot of every call and local tokens (no request per call for the token).
func (w *world) startServe() error {
	self, err := w.o.Executable()
	if err != nil {
		return fmt.Errorf("finding this program to run it as the bot: %w", err)
	}
	w.botCmd = botCommand(self, w.o)
	cfg := &serveconfig.Config{Patch: w.o.Patch, Tokens: serveconfig.TokensLocal,
		Default: &rules.Rule{Bot: w.bot()}}
	metrics := serve.NewMetrics()
	client := daily.New(w.emu.APIKey, daily.WithBaseURL(w.emu.URL), daily.WithoutRateLimit(), daily.WithObserver(metrics.ObserveDaily))
	logger := slog.New(slog.DiscardHandler)
	var sink serve.Sink = w.tracker
	if w.o.Verbose {
		logger = slog.New(slog.NewTextHandler(w.o.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
		sink = serve.MultiSink(w.tracker, servecmd.NewEventPrinter(w.o.IO.ErrOut, output.NewErrColorScheme(w.o.IO)))
	}
	w.srv, err = serve.New(cfg, serve.Deps{
		Client: client, APIKey: w.emu.APIKey, Logger: logger, Sink: sink, Metrics: metrics,
		// The bots must not find the user's own dialin credentials (a real key): only the
		// emulator's key, which serve hands them with patch: bot.
		BotEnv: append(os.Environ(), "XDG_CONFIG_HOME="+w.tmp),
	})
	if err != nil {
		return fmt.Errorf("building serve: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	w.url = "http://" + ln.Addr().String()
	w.hs = &http.Server{Handler: w.srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = w.hs.Serve(ln) }()
	return nil
}

// displayBotCmd is the bot command as a person would type it.
func (w *world) displayBotCmd(self string) string {
	return strings.Replace(w.botCmd, shellQuote(self), "dialin", 1)
}

// botCommand is the stand-in bot with the arguments of Pipecat's 2024 dial-in bot
// (-u -t -i -d -s), run from this binary.
func botCommand(self string, o *Options) string {
	patch := ""
	if o.Patch == serveconfig.PatchServe {
		patch = " --no-patch"
	}
	return fmt.Sprintf("%s standin-bot --startup-delay %s --talk-time %s%s -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}",
		shellQuote(self), o.BotStartup, o.TalkTime, patch)
}

// shellQuote quotes a path for serve's argv splitting (POSIX single quotes).
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// close stops serve (after its bots have exited), then the emulator. Safe to call on a
// partly started world.
func (w *world) close() {
	if w.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		w.tracker.waitBots(ctx)
		w.tracker.killBots() // any bot still running after 10 s: the demo started it, it ends it
		_ = w.srv.Shutdown(ctx)
	}
	if w.runner != nil {
		w.runner.close()
	}
	if w.hs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := w.hs.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = w.hs.Close()
		}
	}
	if w.emu != nil {
		w.emu.Close()
	}
	if w.tmp != "" {
		_ = os.RemoveAll(w.tmp)
	}
}

// newSecret is a random hmac secret in Daily's form (base64).
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
