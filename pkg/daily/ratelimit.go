package daily

import (
	"context"
	"net/http"
	"strings"

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

// limiterSet holds one token bucket per rate-limit class.
type limiterSet struct {
	general    *rate.Limiter
	roomDelete *rate.Limiter
	callStart  *rate.Limiter
}

func newLimiterSet() *limiterSet {
	return &limiterSet{
		general:    rate.NewLimiter(generalRate, generalBurst),
		roomDelete: rate.NewLimiter(roomDeleteRate, roomDeleteBurst),
		callStart:  rate.NewLimiter(callStartRate, callStartBurst),
	}
}

// forRequest picks the bucket of the class method+path belongs to.
func (s *limiterSet) forRequest(method, path string) *rate.Limiter {
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

// wait blocks until the request's class allows one more request, or ctx is done. It reserves
// on c's clock and sleeps with c's sleep, so tests can count the waits without sleeping.
func (s *limiterSet) wait(ctx context.Context, c *Client, method, path string) error {
	if s == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	lim := s.forRequest(method, path)
	now := c.now()
	res := lim.ReserveN(now, 1)
	d := res.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	if err := c.sleep(ctx, d); err != nil {
		res.CancelAt(c.now())
		return err
	}
	return nil
}
