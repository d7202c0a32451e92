// Package standin is a stand-in for a Pipecat dial-in bot, to run against the dailytest
// emulator (dialin demo, serve's tests): handed a call, it reports bot_started, waits as long
// as a Python bot takes to import, joins the room with its meeting token, waits until a SIP
// endpoint is ready and patches the held call there with pinlessCallUpdate (once), then stays
// in the call until the call ends or its talk time is up, and leaves.
//
// It uses the emulator's /_emulator endpoints through pkg/daily/dailytest/control, so it
// talks only to an emulator on a loopback address, never to Daily.
package standin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
	"github.com/dialin-project/dialin/pkg/dialin/botcall"
)

// Stages after which CrashAfter makes the bot fail, as a crashing bot process would.
const (
	CrashAfterStarted = "started" // after reporting bot_started
	CrashAfterJoined  = "joined"  // after joining the room
	CrashAfterReady   = "ready"   // after the endpoint is ready, before patching
)

// ErrCrashed is returned (wrapped) when CrashAfter made the bot stop; the command exits
// non-zero on it.
var ErrCrashed = errors.New("stand-in bot crashed on purpose")

// Options is one call for the bot and how to behave.
type Options struct {
	RoomURL    string // https://<domain>.daily.co/<room>; the room name is its last segment
	Token      string // meeting token for the room
	CallID     string
	CallDomain string
	SIPURI     string // the room's SIP URI as serve handed it (informational: the bot patches the first ready endpoint)

	APIURL string // DAILY_API_URL: the emulator, e.g. http://127.0.0.1:8080/v1
	APIKey string // DAILY_API_KEY; without it the bot neither reports marks nor follows the call, and cannot patch

	StartupDelay time.Duration // before joining (a Python bot's imports)
	TalkTime     time.Duration // leave after this long in the call; 0: stay until the call ends
	Patch        bool          // call pinlessCallUpdate itself (false when serve patches on dialin.ready)
	// PatchOnce makes the patch one attempt, as Pipecat's Daily transport makes it (a 429 or
	// any error leaves the caller on hold); otherwise the bot keeps trying while the caller
	// holds.
	PatchOnce  bool
	CrashAfter string // "", or a CrashAfter… stage: fail there without leaving the room

	// Leaving, when set, is called just before the bot asks to leave the room: serve frees a
	// bot's cap slot when the emulator reports it gone, which may come before Run returns,
	// so a test counting bots in rooms counts them out here.
	Leaving func()

	HTTPClient *http.Client // nil: a default client
	Logger     *slog.Logger // nil: no logs; tokens and keys are never logged
}

const (
	readyPoll   = 10 * time.Second // one long poll for ready
	followPoll  = 30 * time.Second // one long poll for the end of the call
	stepTimeout = 10 * time.Second // join, leave, mark
)

var over = []string{"ended", "lost", "dropped"}

func (o Options) check() (*emulator, error) {
	room, err := botcall.RoomName(o.RoomURL)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Token == "":
		return nil, errors.New("token is required")
	case o.CallID == "":
		return nil, errors.New("call_id is required")
	case o.Patch && o.CallDomain == "":
		return nil, errors.New("call_domain is required to patch the call")
	case o.Patch && o.APIKey == "":
		return nil, errors.New("api_key (DAILY_API_KEY) is required to patch the call")
	case o.StartupDelay < 0 || o.TalkTime < 0:
		return nil, errors.New("startup delay and talk time must not be negative")
	case o.CrashAfter != "" && !slices.Contains([]string{CrashAfterStarted, CrashAfterJoined, CrashAfterReady}, o.CrashAfter):
		return nil, fmt.Errorf("crash_after must be started, joined or ready, got %q", o.CrashAfter)
	}
	return newEmulator(o, room)
}

// Run takes the call and returns when the bot has left: nil after the call ended or the talk
// time passed, ctx's error when stopped from outside (it still leaves the room), ErrCrashed
// in crash mode, or what went wrong (the room never became ready, the patch failed).
func Run(ctx context.Context, o Options) error {
	em, err := o.check()
	if err != nil {
		return err
	}
	room := em.roomName
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("call_id", o.CallID, "room", room)
	crash := func(stage string) error {
		if o.CrashAfter != stage {
			return nil
		}
		log.Warn("crashing on purpose", "after", stage)
		return fmt.Errorf("%w after %s", ErrCrashed, stage)
	}

	if o.APIKey != "" {
		if err := withTimeout(ctx, stepTimeout, em.mark, "bot_started"); err != nil {
			log.Warn("could not report bot_started", "err", err) // the timeline is a nicety
		}
	}
	if err := crash(CrashAfterStarted); err != nil {
		return err
	}
	if err := sleep(ctx, o.StartupDelay); err != nil {
		return err
	}
	joinCtx, cancel := context.WithTimeout(ctx, stepTimeout)
	joined, err := em.room.Join(joinCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("joining room %s: %w", room, err)
	}
	participant := joined.ParticipantID
	log.Info("joined the room", "participant_id", participant)
	if err := crash(CrashAfterJoined); err != nil {
		return err
	}
	err = takeCall(ctx, o, em, log, crash)
	leaveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stepTimeout)
	defer cancel()
	if errors.Is(err, ErrCrashed) {
		return err // a crashed bot does not say goodbye
	}
	if o.Leaving != nil {
		o.Leaving()
	}
	if lerr := em.room.Leave(leaveCtx, participant); lerr != nil && !control.IsStatus(lerr, http.StatusNotFound) {
		log.Warn("could not leave the room", "err", lerr)
		if err == nil {
			err = fmt.Errorf("leaving room %s: %w", room, lerr)
		}
	}
	log.Info("left the room")
	return err
}

// patchAttempts bounds the bot's pinlessCallUpdate attempts: with Daily's whole-second
// Retry-After and the client's backoff capped at 5 s, more than a 30 s hold.
const patchAttempts = 30

// takeCall waits for ready, patches the call (if asked) and stays in it.
func takeCall(ctx context.Context, o Options, em *emulator, log *slog.Logger, crash func(string) error) error {
	endpoints, err := waitReady(ctx, o, em)
	if err != nil {
		return err
	}
	log.Info("SIP endpoint ready", "sip_endpoint", endpoints[0])
	if err := crash(CrashAfterReady); err != nil {
		return err
	}
	if o.Patch {
		// A bot that patches must keep trying while the caller holds: under Daily's limits a
		// burst of bots meets 429s, and the client's default four attempts gave up inside the
		// hold. Retry-After paces the attempts; a call that is over answers with a 4xx, which
		// ends them.
		attempts := patchAttempts
		if o.PatchOnce {
			attempts = 1
		}
		opts := []daily.Option{daily.WithBaseURL(o.APIURL), daily.WithRetryPolicy(daily.RetryPolicy{MaxAttempts: attempts})}
		if o.HTTPClient != nil {
			opts = append(opts, daily.WithHTTPClient(o.HTTPClient))
		}
		client := daily.New(o.APIKey, opts...)
		req := daily.PinlessCallUpdateRequest{CallID: o.CallID, CallDomain: o.CallDomain, SIPURI: endpoints[0]}
		if err := client.PinlessCallUpdate(ctx, req); err != nil {
			return fmt.Errorf("pinlessCallUpdate for call %s: %w", o.CallID, err)
		}
		log.Info("patched the call into the room", "sip_endpoint", endpoints[0])
	}
	return stay(ctx, o, em, log)
}

// waitReady long-polls until a SIP endpoint of the room is ready. Between polls it checks
// that the call is still worth waiting for.
func waitReady(ctx context.Context, o Options, em *emulator) ([]string, error) {
	for {
		eps, err := em.ready(ctx, readyPoll)
		switch {
		case err != nil:
			return nil, fmt.Errorf("waiting for room %s to be ready: %w", em.roomName, err)
		case len(eps) > 0:
			return eps, nil
		case o.APIKey == "":
			continue
		}
		if state, err := em.callState(ctx, 0); err == nil && slices.Contains(over, state) {
			return nil, fmt.Errorf("call %s is %s; room %s was not ready in time", o.CallID, state, em.roomName)
		}
	}
}

// stay keeps the bot in the call until the call is over, the talk time has passed or ctx
// ends. Without an API key, or for a call the emulator does not know, only time tells.
func stay(ctx context.Context, o Options, em *emulator, log *slog.Logger) error {
	// The talk time starts when the caller is in the room. A bot that patches got there
	// itself; when serve patches, the caller arrives later, and under load a bot that left
	// after its talk time from ready would leave an empty room for serve's patch.
	if !o.Patch {
		if ended, err := waitConnected(ctx, o, em); ended || err != nil {
			return err
		}
	}
	talk, cancel := ctx, context.CancelFunc(func() {})
	if o.TalkTime > 0 {
		talk, cancel = context.WithTimeout(ctx, o.TalkTime)
	}
	defer cancel()
	for o.APIKey != "" && talk.Err() == nil {
		state, err := em.callState(talk, followPoll, over...)
		switch {
		case err == nil && slices.Contains(over, state):
			log.Info("the call is over", "state", state)
			return nil
		case control.IsStatus(err, http.StatusNotFound):
			log.Warn("the emulator does not know this call; staying for the talk time")
			o.APIKey = ""
		case err != nil && talk.Err() == nil:
			log.Warn("following the call", "err", err)
			_ = sleep(talk, 500*time.Millisecond)
		}
	}
	<-talk.Done()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stand-in bot stopped: %w", err)
	}
	log.Info("talk time is up")
	return nil
}

// waitConnected waits until the call is connected, or reports that it is over (lost or
// dropped without this bot: nothing to stay for). Without an API key, or for a call the
// emulator does not know, there is nothing to wait on.
func waitConnected(ctx context.Context, o Options, em *emulator) (ended bool, err error) {
	until := append([]string{"connected"}, over...)
	for o.APIKey != "" {
		state, err := em.callState(ctx, followPoll, until...)
		switch {
		case err == nil && state == "connected":
			return false, nil
		case err == nil && slices.Contains(over, state):
			return true, nil
		case control.IsStatus(err, http.StatusNotFound):
			return false, nil
		case ctx.Err() != nil:
			return false, fmt.Errorf("stand-in bot stopped: %w", ctx.Err())
		case err != nil:
			_ = daily.Sleep(ctx, 500*time.Millisecond)
		}
	}
	return false, nil
}

func withTimeout(ctx context.Context, d time.Duration, f func(context.Context, string) error, arg string) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return f(ctx, arg)
}

func sleep(ctx context.Context, d time.Duration) error {
	if err := daily.Sleep(ctx, d); err != nil {
		return fmt.Errorf("stand-in bot stopped: %w", err)
	}
	return nil
}

// WithCall returns o with the call's fields filled in.
func (o Options) WithCall(c botcall.Call) Options {
	o.RoomURL, o.Token, o.CallID, o.CallDomain, o.SIPURI = c.RoomURL, c.Token, c.CallID, c.CallDomain, c.SIPURI
	return o
}
