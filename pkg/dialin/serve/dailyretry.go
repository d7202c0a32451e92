package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// DefaultHoldBudget is how long after its webhook a call's room and token may still be
// retried: the caller hears the route's hold music (at most 60 s, played twice) until the
// bot connects, and the bot still needs time to join after them.
const DefaultHoldBudget = 60 * time.Second

// minStepWindow is the least time a call admitted late (after queueing) still gets for
// its room and token, so that it is tried at least a few times (never more than the budget).
const minStepWindow = 10 * time.Second

// Backoff between attempts of a call's Daily step: full jitter, doubling up to stepMaxDelay.
const (
	stepBaseDelay = 100 * time.Millisecond
	stepMaxDelay  = 2 * time.Second
)

// transient reports whether a failed Daily request may succeed when sent again: no answer
// (a connection error or a lost answer), a 5xx, or a 429 the client gave up on.
func transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ae *daily.APIError
	if errors.As(err, &ae) {
		return ae.Status >= 500 || ae.Status == http.StatusTooManyRequests
	}
	// No answer (the request may or may not have been applied); any other error (a request
	// the client refused to send, an undecodable answer) would only repeat.
	var te *daily.TransportError
	return errors.As(err, &te) || errors.Is(err, errRoomVanished)
}

// retryStep runs attempt until it succeeds, fails with an error that is not transient, or
// ctx ends (its deadline is the caller's hold budget). Only steps that are safe to repeat
// may be retried this way: a token, a GET, a DELETE, a room create under a fixed name.
func retryStep(ctx context.Context, attempt func(context.Context) error) error {
	if _, ok := ctx.Deadline(); !ok { // a caller without a budget gets the default one
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultHoldBudget)
		defer cancel()
	}
	ceiling := stepBaseDelay
	for {
		err := attempt(ctx)
		if !transient(err) {
			return err
		}
		t := time.NewTimer(time.Duration(rand.Int64N(int64(ceiling))))
		select {
		case <-ctx.Done():
			t.Stop()
			return err // the last answer says more than "context deadline exceeded"
		case <-t.C:
		}
		ceiling = min(2*ceiling, stepMaxDelay)
	}
}

// RoomName is the name of the room made for a call: derived from its callDomain and callId,
// so that a create sent again after a lost answer meets the room the first one made
// (Daily answers 400 "already exists") instead of making a second, and so that a room left
// by a failed call can be found and deleted by name.
func RoomName(callDomain, callID string) string {
	sum := sha256.Sum256([]byte(callDomain + "\x00" + callID))
	return "dialin-" + hex.EncodeToString(sum[:16])
}

// alreadyExists reports Daily's answer to a create of a room name that is taken.
func alreadyExists(err error) bool {
	var ae *daily.APIError
	return errors.As(err, &ae) && ae.Status == http.StatusBadRequest && strings.Contains(ae.Info, "already exists")
}
