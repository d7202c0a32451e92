package serve

import (
	"context"
	"log/slog"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/caps"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// Deps are what the engine talks to. Only Client is required (with APIKey for local tokens
// and for bots that patch the call); every other field has a default.
//
// A RoomSource, TokenMinter or launcher that needs to prepare (fill a pool, read the domain
// id) may have a Start(ctx) error method: Server.Start calls it.
type Deps struct {
	// Client talks to Daily: rooms, tokens, secrets, pinlessCallUpdate.
	Client *daily.Client
	// APIKey goes to process bots as DAILY_API_KEY when they patch the call (patch: bot),
	// and signs local tokens. It is never logged nor put in a bot's arguments.
	APIKey string
	// Logger receives operational logs and bot output; nil discards them.
	Logger *slog.Logger
	// Sink receives the events of every call; nil discards them.
	Sink Sink
	// Metrics, created before Client so that Daily requests are observed; nil: new ones.
	Metrics *Metrics

	// Secrets signs the dial-in webhook; nil: every route's hmac (RouteSecrets). The
	// command passes StaticSecrets for DIALIN_WEBHOOK_SECRET / --webhook-secret-file.
	Secrets SecretSource
	// EventSecrets signs Daily's /webhooks events; nil: the webhook's hmac (WebhookSecrets).
	EventSecrets SecretSource
	// InsecureSkipVerify accepts unsigned and wrongly signed webhooks. For local
	// experiments only; the command must warn loudly.
	InsecureSkipVerify bool

	Store       callstore.Store // nil: in memory, records kept 24 h
	Gate        caps.Gate       // nil: in memory, from the config's caps
	Rooms       RoomSource      // nil: a room per call (RESTRooms)
	Tokens      TokenMinter     // nil: per the config's tokens (RESTTokens or LocalTokens)
	NewLauncher func(r *rules.Rule) (launch.Launcher, error)

	// PipecatCloudKey is the Pipecat Cloud public key for pipecat_cloud bots
	// (PIPECAT_CLOUD_API_KEY); PipecatCloudAPI its API base ("" : Pipecat Cloud's own).
	PipecatCloudKey, PipecatCloudAPI string

	// BotDir and BotEnv are the process bots' working directory and base environment
	// (nil: serve's own environment, without DIALIN_* and the API key).
	BotDir string
	BotEnv []string

	// HoldBudget is how long after its webhook a call's room and token requests may still be
	// retried (0: DefaultHoldBudget); a call admitted later still gets a few seconds.
	HoldBudget time.Duration
	// AdmissionMargin is the part of the hold admission keeps, after Daily's budget lets a
	// call's requests through, for the requests themselves and the bot until the caller is
	// connected (0: DefaultAdmissionMargin).
	AdmissionMargin time.Duration

	// SecretRefresh is the period of secret reloads (0: 5 min); MissRefresh the least time
	// between reloads caused by an unknown signature (0: 1 min).
	SecretRefresh, MissRefresh time.Duration
	// ReplicaID names this serve in call records (0: host name and pid).
	ReplicaID string
	// ReadyCheck, if set, is asked by Ready (/readyz) whether a dependency serve cannot take
	// calls without is reachable, such as the Redis that replicas share; its error is the
	// reason given. It must answer within a second or so.
	ReadyCheck func(ctx context.Context) error
}
