package launch

import (
	"context"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/botcall"
)

// CallInfo is everything a bot needs to take a call: its JSON form is the line written to a
// process bot's stdin and the body POSTed to a bot runner. The contract is defined once, in
// botcall, where bots written in Go read it.
type CallInfo = botcall.Call

// Launcher starts the bot of one call. Launch returns once the bot has been started (a
// process is running, or a runner accepted the call); it does not wait for the bot to end.
// ctx bounds the start only: a started bot outlives it.
type Launcher interface {
	Launch(ctx context.Context, call CallInfo) (*Bot, error)
}

// Bot is a started bot.
type Bot struct {
	// PID is the process id, 0 when the bot is not a local process.
	PID int
	// Exited receives one Exit when the bot ends and is then closed. It is nil when the
	// launcher cannot watch the bot (an HTTP runner).
	Exited <-chan Exit
}

// Exit says how a bot process ended.
type Exit struct {
	At   time.Time
	Code int    // exit status; -1 when killed by a signal
	How  string // "exit status 3", "signal: killed", …
}
