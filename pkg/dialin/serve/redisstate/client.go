package redisstate

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Ping checks that Redis answers within a second; serve's readiness uses it, so that a load
// balancer stops sending calls to a replica that cannot reach the shared state.
func Ping(ctx context.Context, rdb redis.UniversalClient) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis unreachable: %w", err)
	}
	return nil
}

// RoundTrips counts the requests a client sends to Redis (a pipeline counts once), for the
// benchmark and tests that state what a call costs.
type RoundTrips struct{ n atomic.Uint64 }

// CountRoundTrips adds a counting hook to rdb.
func CountRoundTrips(rdb redis.UniversalClient) *RoundTrips {
	rt := &RoundTrips{}
	rdb.AddHook(rt)
	return rt
}

// Load is the number of round trips so far.
func (rt *RoundTrips) Load() uint64 { return rt.n.Load() }

// DialHook implements redis.Hook.
func (rt *RoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook implements redis.Hook. A script run that Redis answers NOSCRIPT (after a
// restart) costs a second trip (EVAL), and is counted twice.
func (rt *RoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		rt.n.Add(1)
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook implements redis.Hook.
func (rt *RoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		rt.n.Add(1)
		return next(ctx, cmds)
	}
}

var _ redis.Hook = (*RoundTrips)(nil)
