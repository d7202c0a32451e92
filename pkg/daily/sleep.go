package daily

import (
	"context"
	"time"
)

// Sleep waits d, or less if ctx is done first, and then returns ctx.Err() (nil when the
// whole wait passed). A d of zero or less returns at once with ctx.Err().
//
// It is the one sleep-with-context of the project: the client's retry backoff, the routes
// writer and the stand-in bots all wait with it. It lives here, in the client every other
// package already imports, because shipped pkg/ code cannot import internal/ and the client
// itself imports nothing of ours.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
