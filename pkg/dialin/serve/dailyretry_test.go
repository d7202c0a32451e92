package serve

import (
	"context"
	"errors"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
)

// Only an answer that may change on a resend is retried: a 5xx, a 429, no answer. A 4xx, a
// request the client refused to send, or the caller's deadline end the step.
func TestTransientErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&daily.APIError{Status: 503}, true},
		{&daily.APIError{Status: 429}, true},
		{&daily.TransportError{Method: "POST", Path: "/rooms", Err: errors.New("EOF")}, true},
		{errRoomVanished, true},
		{&daily.APIError{Status: 400, Info: "a room named x already exists"}, false},
		{&daily.APIError{Status: 401}, false},
		{errors.New("properties.exp: must be in the future"), false},
		{context.DeadlineExceeded, false},
		{nil, false},
	} {
		if got := transient(c.err); got != c.want {
			t.Errorf("transient(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
