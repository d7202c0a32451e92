package demo

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/dialin-project/dialin/internal/standin/pipecat"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// The demo's bots: the seed's command-line bot (a process per call, started by serve), or
// a current Pipecat bot behind Pipecat's runner, which serve reaches over HTTP.
const (
	BotSeed    = "seed"
	BotPipecat = "pipecat"
)

// pipecatRunner is the stand-in for Pipecat's runner (`python bot.py -t daily`), in this
// process on a loopback port: for each /start it creates the room (with Pipecat's fractional
// exp) and a token in the emulator and runs a bot that joins and patches the call with the
// key and URL from serve's DailyDialinRequest.
type pipecatRunner struct {
	r   *pipecat.Runner
	hs  *http.Server
	url string
}

func (w *world) startPipecatRunner() error {
	r := pipecat.NewRunner(pipecat.Config{
		DailyAPIURL: w.emu.URL, DailyAPIKey: w.emu.APIKey,
		StartupDelay: w.o.BotStartup, TalkTime: w.o.TalkTime, Logger: slog.New(slog.DiscardHandler),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		r.Close()
		return err
	}
	w.runner = &pipecatRunner{r: r, url: "http://" + ln.Addr().String(),
		hs: &http.Server{Handler: r.Handler(), ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = w.runner.hs.Serve(ln) }()
	return nil
}

// bot is serve's bot for the demo's --bot.
func (w *world) bot() rules.Bot {
	if w.runner != nil {
		return rules.Bot{Pipecat: &rules.Pipecat{URL: w.runner.url + "/start"}}
	}
	return rules.Bot{Cmd: w.botCmd}
}

// serveLine says what serve does with each call, for the demo's opening lines.
func (w *world) serveLine(self string) string {
	if w.runner != nil {
		return fmt.Sprintf("POSTs Pipecat's /start body per call to Pipecat's runner (a stand-in for `python bot.py -t daily`) on %s; the runner makes the room, its bot patches the call", w.runner.url)
	}
	return fmt.Sprintf("patch %s, tokens local; bot per call: %s", w.o.Patch, w.displayBotCmd(self))
}

// close stops the runner's bots (they leave their rooms) and its server.
func (p *pipecatRunner) close() {
	p.r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.hs.Shutdown(ctx); err != nil {
		_ = p.hs.Close()
	}
}
