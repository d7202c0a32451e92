package launch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultPipecatCloudAPI is Pipecat Cloud's API base (PIPECAT_CLOUD_API_URL).
const DefaultPipecatCloudAPI = "https://api.pipecat.daily.co/v1"

// PipecatConfig configures a launcher that POSTs Pipecat's /start body: to Pipecat's runner
// on the user's host, or to Pipecat Cloud's POST {api}/public/{agent}/start.
type PipecatConfig struct {
	// URL is the /start URL (PipecatCloudStartURL builds Pipecat Cloud's). https, or plain
	// http to a loopback host only.
	URL string
	// APIKey is sent as Bearer (Pipecat Cloud's public key); "" sends none (the runner).
	APIKey string
	// DailyAPIKey and DailyAPIURL go into body as daily_api_key and daily_api_url: Pipecat's
	// bot patches the call with them.
	DailyAPIKey, DailyAPIURL string
	// OmitDailyKey leaves daily_api_key out of body (include_daily_key: false). Pipecat's
	// DailyDialinRequest then does not validate: the bot must patch with a key of its own.
	OmitDailyKey bool
	// Codecs, when set, become sip.codecs.audio (e.g. ["OPUS"]).
	Codecs []string
	// TokenProperties, when set, are sent as dailyMeetingTokenProperties.
	TokenProperties map[string]any
	// Body is merged into body; it may not set dialin_settings, daily_api_key or daily_api_url.
	Body map[string]any

	Timeout time.Duration // per attempt; 0: 30 s (a cold start answers late)
	Backoff time.Duration // first wait after a 429 or an unreachable server; 0: 250 ms
	Client  *http.Client  // nil: a client without redirects
	Now     func() time.Time
}

// Pipecat starts a call's bot with Pipecat's /start.
type Pipecat struct {
	cfg   PipecatConfig
	what  string
	retry retryPolicy
}

var reservedBodyKeys = []string{"dialin_settings", "daily_api_key", "daily_api_url"}

// PipecatCloudStartURL is POST {api}/public/{agent}/start; api "" is DefaultPipecatCloudAPI.
func PipecatCloudStartURL(api, agent string) (string, error) {
	if agent == "" || strings.ContainsAny(agent, "/?#") {
		return "", fmt.Errorf("pipecat_cloud agent %q must be an agent name (no /, ? or #)", agent)
	}
	if api == "" {
		api = DefaultPipecatCloudAPI
	}
	return strings.TrimSuffix(api, "/") + "/public/" + url.PathEscape(agent) + "/start", nil
}

// NewPipecat checks the configuration.
func NewPipecat(cfg PipecatConfig) (*Pipecat, error) {
	what := "the Pipecat runner"
	if cfg.APIKey != "" {
		what = "Pipecat Cloud"
	}
	if _, err := checkStartURL(cfg.URL, "pipecat url"); err != nil {
		return nil, err
	}
	if cfg.DailyAPIURL == "" {
		return nil, errors.New("pipecat: the Daily API URL for the bot's body is required")
	}
	if cfg.DailyAPIKey == "" && !cfg.OmitDailyKey {
		return nil, errors.New("pipecat: the Daily API key for the bot's body is required (or include_daily_key: false)")
	}
	for _, k := range reservedBodyKeys {
		if _, ok := cfg.Body[k]; ok {
			return nil, fmt.Errorf("pipecat body: %s is set by serve from the call; remove it", k)
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = noRedirects()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Pipecat{cfg: cfg, what: what, retry: retryPolicy{first: cfg.Backoff}.withDefaults()}, nil
}

// StartBody is the /start body for call (exported for docs and tests).
func (p *Pipecat) StartBody(call DialinCall) map[string]any {
	sip := map[string]any{"display_name": call.Room.DisplayName, "sip_mode": "dial-in", "num_endpoints": max(call.Room.NumEndpoints, 1)}
	if call.Room.Video {
		sip["video"] = true
	}
	if len(p.cfg.Codecs) > 0 {
		sip["codecs"] = map[string]any{"audio": p.cfg.Codecs}
	}
	roomProps := map[string]any{"sip": sip}
	if call.Room.Exp > 0 {
		roomProps["exp"] = p.cfg.Now().Add(call.Room.Exp).Unix()
		roomProps["eject_at_room_exp"] = true
	}
	settings := map[string]any{"call_id": call.CallID, "call_domain": call.CallDomain, "To": call.To, "From": call.From}
	if len(call.SIPHeaders) > 0 {
		settings["sip_headers"] = call.SIPHeaders
	}
	body := map[string]any{}
	for k, v := range p.cfg.Body {
		body[k] = v
	}
	body["dialin_settings"], body["daily_api_url"] = settings, p.cfg.DailyAPIURL
	if !p.cfg.OmitDailyKey {
		body["daily_api_key"] = p.cfg.DailyAPIKey
	}
	start := map[string]any{"transport": "daily", "createDailyRoom": true, "dailyRoomProperties": roomProps, "body": body}
	if len(p.cfg.TokenProperties) > 0 {
		start["dailyMeetingTokenProperties"] = p.cfg.TokenProperties
	}
	return start
}

// Start POSTs the /start body; see Starter for what is retried.
func (p *Pipecat) Start(ctx context.Context, call DialinCall) (*Started, error) {
	data, err := json.Marshal(p.StartBody(call))
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	if p.cfg.APIKey != "" {
		header.Set("Authorization", "Bearer "+p.cfg.APIKey)
	}
	var answer startAnswer
	status, err := p.retry.retry(ctx, call.WaitUntil, func(ctx context.Context) (int, error) {
		return postOnce(ctx, p.cfg.Client, p.cfg.URL, p.cfg.Timeout, header, data, p.what, &answer)
	})
	if err != nil {
		return nil, err
	}
	return &Started{Room: answer.DailyRoom, SessionID: answer.SessionID, Status: status}, nil
}
