package daily

import (
	"context"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Daily's published rate-limit classes (https://docs.daily.co/reference/rest-api, "Rate
// limits") as token buckets, one per class and per client. Daily counts in windows ("100
// requests per 5 s"); a bucket of burst B and rate r lets B + r·W requests through in a
// window W, so each class keeps B + r·W at or under Daily's window count. Several processes sharing a key can still meet a 429, which is retried.
const (
	// Most endpoints: 20/s or 100 per 5 s. 10 + 18·5 = 100.
	generalRate  = rate.Limit(18)
	generalBurst = 10
	// DELETE /rooms/:name and GET /recordings: ~2/s or 50 per 30 s. 2 + 1.6·30 = 50.
	roomDeleteRate  = rate.Limit(48.0 / 30.0)
	roomDeleteBurst = 2
	// Starting a recording, live stream, PSTN or SIP call: ~1/s or 5 per 5 s. 2 + 0.6·5 = 5.
	callStartRate  = rate.Limit(0.6)
	callStartBurst = 2
)

// limiterSet holds one token bucket per rate-limit class; each serves its waiters by
// Priority (WithPriority).
type limiterSet struct {
	general    *bucket
	roomDelete *bucket
	callStart  *bucket
}

func newLimiterSet() *limiterSet { return newScaledLimiterSet(1) }

// newScaledLimiterSet is the published limits times factor (WithRaisedRateLimits). A burst
// never goes below one request, so a small factor slows a class without closing it.
func newScaledLimiterSet(factor float64) *limiterSet {
	scaled := func(r rate.Limit, burst int) *bucket {
		return newBucket(float64(r)*factor, max(1, int(float64(burst)*factor)))
	}
	return &limiterSet{
		general:    scaled(generalRate, generalBurst),
		roomDelete: scaled(roomDeleteRate, roomDeleteBurst),
		callStart:  scaled(callStartRate, callStartBurst),
	}
}

// forRequest picks the bucket of the class method+path belongs to.
func (s *limiterSet) forRequest(method, path string) *bucket {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case method == http.MethodDelete && len(segs) == 2 && segs[0] == "rooms":
		return s.roomDelete
	case method == http.MethodGet && len(segs) == 1 && segs[0] == "recordings":
		return s.roomDelete
	case method == http.MethodPost && len(segs) == 4 && segs[0] == "rooms" && segs[3] == "start" &&
		(segs[2] == "dialOut" || segs[2] == "recordings" || segs[2] == "live-streaming"):
		return s.callStart
	}
	return s.general
}

// wait blocks until the request's class allows one more request of ctx's priority, or ctx is
// done. It reads c's clock and sleeps with c's sleep, so tests can count the waits without
// sleeping.
func (s *limiterSet) wait(ctx context.Context, c *Client, method, path string) error {
	if s == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.forRequest(method, path).wait(ctx, PriorityOf(ctx), queuedSince(ctx), c.now, c.sleep)
}

// Spend takes from the client's budget the share of one request of method and path at ctx's
// priority without sending it, waiting as the request would. A caller spends for requests
// that other processes make with the same key (a bot's pinlessCallUpdate), so that the
// domain's budget stays whole.
func (c *Client) Spend(ctx context.Context, method, path string) error {
	return c.limits.wait(ctx, c, method, path)
}

// Delay is how long n requests of method and path at priority p would wait for the client's
// budget now (0 without a rate limiter): behind the requests of higher priorities already
// waiting, never behind lower ones. Requests of priority p already waiting are not counted:
// the caller counts those of its own it means in n.
func (c *Client) Delay(p Priority, method, path string, n int) time.Duration {
	if c.limits == nil {
		return 0
	}
	return c.limits.forRequest(method, path).delay(c.now(), p, n)
}
