package serve

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// TokenMinter makes the meeting token the bot joins the room with.
type TokenMinter interface {
	Token(ctx context.Context, room Room) (string, error)
}

// tokenProps are the properties of a bot's token: the room only, owner (as Pipecat's dial-in
// example's bot is), expiring with the room.
func tokenProps(room Room) daily.MeetingTokenProperties {
	p := daily.MeetingTokenProperties{RoomName: room.Name, IsOwner: true}
	if !room.Exp.IsZero() {
		p.Exp = room.Exp.Unix()
	}
	return p
}

// RESTTokens asks Daily for each token (POST /meeting-tokens). Making a token changes
// nothing at Daily, so after a 5xx, a connection error or a lost answer it is asked for
// again, until ctx ends.
type RESTTokens struct {
	Client *daily.Client
}

// Token implements TokenMinter.
func (t *RESTTokens) Token(ctx context.Context, room Room) (string, error) {
	var token string
	err := retryStep(ctx, func(ctx context.Context) error {
		var err error
		token, err = t.Client.CreateMeetingToken(ctx, tokenProps(room))
		return err
	})
	return token, err
}

// LocalTokens signs each token with the API key (daily.SignMeetingToken): no request per
// call. The domain id is read once from Daily (GET /) unless DomainID is set.
type LocalTokens struct {
	APIKey   string
	DomainID string
	Client   *daily.Client    // reads the domain id when DomainID is empty
	Now      func() time.Time // nil: time.Now

	mu sync.Mutex
}

// Start reads the domain id, so that the first call does not wait for it.
func (t *LocalTokens) Start(ctx context.Context) error {
	_, err := t.domainID(ctx)
	return err
}

func (t *LocalTokens) domainID(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.DomainID != "" {
		return t.DomainID, nil
	}
	if t.Client == nil {
		return "", errors.New("local tokens need the domain id or a client to read it")
	}
	d, err := t.Client.Domain(ctx)
	if err != nil {
		return "", err
	}
	t.DomainID = d.ID
	return d.ID, nil
}

// Token implements TokenMinter.
func (t *LocalTokens) Token(ctx context.Context, room Room) (string, error) {
	id, err := t.domainID(ctx)
	if err != nil {
		return "", err
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	return daily.SignMeetingToken(t.APIKey, id, tokenProps(room), now())
}
