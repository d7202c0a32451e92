package pipecat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// DefaultRoomHours is configure()'s default room_exp_duration.
const DefaultRoomHours = 2.0

// Config is how a runner stand-in is set up: what Pipecat's runner reads from its
// environment and command line, and how its bots behave.
type Config struct {
	DailyAPIURL string // DAILY_API_URL: the emulator, where rooms and tokens are made
	DailyAPIKey string // DAILY_API_KEY: for rooms, tokens, and the webhook's DailyDialinRequest
	Dialin      bool   // serve POST /daily-dialin-webhook (the runner's --dialin)
	RoomHours   float64

	StartupDelay time.Duration // each bot's start-up before joining (a Python bot's imports)
	TalkTime     time.Duration // a bot leaves after this long in the call; 0: when the call ends

	HTTPClient *http.Client
	Logger     *slog.Logger // keys and tokens are never logged
	Now        func() time.Time
}

// Runner is a stand-in for Pipecat's development runner (`python bot.py -t daily --dialin`).
type Runner struct {
	cfg  Config
	api  dailyAPI
	log  *slog.Logger
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu       sync.Mutex
	sessions map[string]*Session
}

// NewRunner builds a runner; Close stops its bots.
func NewRunner(cfg Config) *Runner {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RoomHours <= 0 {
		cfg.RoomHours = DefaultRoomHours
	}
	ctx, stop := context.WithCancel(context.Background())
	return &Runner{cfg: cfg, api: newDailyAPI(cfg.DailyAPIURL, cfg.DailyAPIKey, cfg.HTTPClient),
		log: cfg.Logger, ctx: ctx, stop: stop, sessions: map[string]*Session{}}
}

// Handler serves POST /start and, with Dialin, POST /daily-dialin-webhook.
func (r *Runner) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /start", r.serveStart)
	if r.cfg.Dialin {
		mux.HandleFunc("POST /daily-dialin-webhook", r.serveDialinWebhook)
	}
	return mux
}

// Close stops every bot (they leave their rooms) and waits for them.
func (r *Runner) Close() {
	r.stop()
	r.wg.Wait()
}

// Session is one started bot.
type Session struct {
	ID   string
	Room string // the room URL
	// DialinSkipped is why the body was not a DailyDialinRequest, "" when it was: as in
	// Pipecat, such a bot joins the room but never patches the call.
	DialinSkipped string

	done chan struct{}
	err  error
}

// Done is closed when the bot has left.
func (s *Session) Done() <-chan struct{} { return s.done }

// Err is the bot's result once Done is closed.
func (s *Session) Err() error { <-s.done; return s.err }

// Session finds a session by its sessionId.
func (r *Runner) Session(id string) (*Session, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.sessions[id]
	return s, ok
}

// launch creates the room and token as configure() does and starts the bot with body in
// the background; onEnd (if not nil) runs when the bot has left.
func (r *Runner) launch(ctx context.Context, sipCaller string, roomProps, tokenProps map[string]any, body json.RawMessage, onEnd func()) (StartAnswer, error) {
	now := r.cfg.Now()
	name, roomURL, err := r.api.createRoom(ctx, roomProperties(now, r.cfg.RoomHours, sipCaller, roomProps))
	if err != nil {
		return StartAnswer{}, err
	}
	token, err := r.api.createToken(ctx, name, now, r.cfg.RoomHours, tokenProps)
	if err != nil {
		return StartAnswer{}, err
	}
	s := &Session{ID: newSessionID(), Room: roomURL, done: make(chan struct{})}
	dialin, err := ParseDialinRequest(body)
	if err != nil {
		s.DialinSkipped = err.Error()
	}
	r.mu.Lock()
	r.sessions[s.ID] = s
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		s.err = r.runBot(s, roomURL, token, dialin)
		if onEnd != nil {
			onEnd() // before Done: whoever waits for Done sees the session's place free
		}
		close(s.done)
	}()
	return StartAnswer{DailyRoom: roomURL, DailyToken: token, SessionID: s.ID}, nil
}

func (r *Runner) serveStart(w http.ResponseWriter, req *http.Request) {
	sr, err := decodeStart(req)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"detail": err.Error()})
		return
	}
	answer, err := r.launch(req.Context(), "", sr.DailyRoomProperties, sr.DailyMeetingTokenProperties, sr.Body, nil)
	if err != nil {
		r.log.Error("starting a bot", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"detail": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

// decodeStart reads a /start body: transport defaults to daily, and the stand-in only
// creates its own rooms (createDailyRoom: true), as serve asks.
func decodeStart(req *http.Request) (StartRequest, error) {
	var sr StartRequest
	if err := json.NewDecoder(http.MaxBytesReader(nil, req.Body, 1<<20)).Decode(&sr); err != nil {
		return sr, errors.New("body must be a JSON object like {\"createDailyRoom\": true, \"body\": {…}}")
	}
	if sr.Transport != "" && sr.Transport != "daily" {
		return sr, errors.New("transport: the stand-in runner speaks only \"daily\"")
	}
	if !sr.CreateDailyRoom {
		return sr, errors.New("createDailyRoom: the stand-in runner needs true (it has no DAILY_ROOM_URL)")
	}
	return sr, nil
}

// serveDialinWebhook is the runner's /daily-dialin-webhook: Daily's webhook in, a SIP room
// for the caller, and a bot with a DailyDialinRequest built from DAILY_API_KEY/DAILY_API_URL.
// Like Pipecat's, it checks no signature and has no caps.
func (r *Runner) serveDialinWebhook(w http.ResponseWriter, req *http.Request) {
	if hook, ok := readWebhook(w, req); ok {
		r.startDialin(w, req, hook, nil)
	}
}

// readWebhook reads Daily's dial-in webhook; false when it answered already: Daily's
// verification body ({"status":"OK"}) or a bad body (400).
func readWebhook(w http.ResponseWriter, req *http.Request) (webhookBody, bool) {
	var raw json.RawMessage
	if err := json.NewDecoder(http.MaxBytesReader(nil, req.Body, 1<<20)).Decode(&raw); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"detail": "body must be a JSON object"})
		return webhookBody{}, false
	}
	hook, test, err := parseWebhook(raw)
	switch {
	case err != nil:
		writeJSON(w, http.StatusBadRequest, map[string]string{"detail": err.Error()})
	case test:
		writeJSON(w, http.StatusOK, map[string]string{"status": "OK"})
	}
	return hook, err == nil && !test
}

// startDialin starts the bot of a dial-in call; onEnd runs when the bot has left, or at
// once if it never started.
func (r *Runner) startDialin(w http.ResponseWriter, req *http.Request, hook webhookBody, onEnd func()) {
	body, _ := json.Marshal(DialinRequest{
		DialinSettings: DialinSettings{CallID: hook.CallID, CallDomain: hook.CallDomain, To: hook.To, From: hook.From, SIPHeaders: hook.SIPHeaders},
		DailyAPIKey:    r.cfg.DailyAPIKey, DailyAPIURL: r.cfg.DailyAPIURL,
	})
	answer, err := r.launch(req.Context(), hook.From, nil, nil, body, onEnd)
	if err != nil {
		if onEnd != nil {
			onEnd()
		}
		r.log.Error("starting a dial-in bot", "call_id", hook.CallID, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"detail": err.Error()})
		return
	}
	r.log.Info("dial-in bot started", "call_id", hook.CallID, "session_id", answer.SessionID, "room", answer.DailyRoom)
	writeJSON(w, http.StatusOK, answer)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
