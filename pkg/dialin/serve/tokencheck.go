package serve

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// CheckedTokens signs tokens locally (LocalTokens) once Daily has accepted one: Start signs a
// token for a room that need not exist and asks GET /meeting-tokens/:token about it. If
// Daily does not accept it (another signing scheme, a key that cannot sign), every token
// comes from POST /meeting-tokens instead (RESTTokens), and Note says so for /readyz.
type CheckedTokens struct {
	Local *LocalTokens
	REST  *RESTTokens
	// OnFallback, if set, is told why local tokens were not used (serve logs it).
	OnFallback func(reason string)

	mu       sync.Mutex
	checked  bool
	fallback string // why REST tokens are used; "" while local ones are
}

// tokenCheckRoom names the room of the start-up check's token; it is never created.
const tokenCheckRoom = "dialin-token-check"

// Start reads the domain id and checks one locally signed token with Daily. Only a failure
// to ask (Daily unreachable) is an error; a token Daily refuses selects REST tokens.
func (t *CheckedTokens) Start(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.checked {
		return nil
	}
	reason, err := t.check(ctx)
	if err != nil {
		return err
	}
	t.checked, t.fallback = true, reason
	if reason != "" && t.OnFallback != nil {
		t.OnFallback(reason)
	}
	return nil
}

func (t *CheckedTokens) check(ctx context.Context) (string, error) {
	if t.Local.APIKey == "" {
		return "no API key to sign tokens with", nil
	}
	if err := t.Local.Start(ctx); err != nil {
		return "", err
	}
	token, err := t.Local.Token(ctx, Room{Name: tokenCheckRoom, Exp: time.Now().Add(time.Minute)})
	if err != nil {
		return "signing a token failed: " + err.Error(), nil
	}
	_, err = t.REST.Client.ValidateMeetingToken(ctx, token)
	var apiErr *daily.APIError
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &apiErr) && apiErr.Status >= 400 && apiErr.Status < 500 && apiErr.Status != 429:
		return "Daily did not accept a locally signed token (" + apiErr.Error() + ")", nil
	}
	return "", err
}

// Note is why tokens come from Daily's REST API, or "" when they are signed locally.
func (t *CheckedTokens) Note() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fallback == "" {
		return ""
	}
	return "meeting tokens from Daily's REST API: " + t.fallback
}

// local reports whether tokens are signed here (no request per call).
func (t *CheckedTokens) local() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.checked && t.fallback == ""
}

// Token implements TokenMinter. Before Start, and after a failed check, it asks Daily.
func (t *CheckedTokens) Token(ctx context.Context, room Room) (string, error) {
	if t.local() {
		return t.Local.Token(ctx, room)
	}
	return t.REST.Token(ctx, room)
}
