package redisstate

import (
	"context"
	"fmt"
	"time"
)

// background renews this replica's leases every Renew period, and runs the pump for its
// waiting calls when any replica frees a slot (pub/sub; go-redis resubscribes after a
// reconnect) and every Poll period (which covers messages missed meanwhile, and slots that
// came back by expiry).
func (g *Gate) background(ctx context.Context) {
	defer close(g.done)
	ps := g.rdb.Subscribe(ctx, g.free)
	defer ps.Close()
	msgs := ps.Channel()
	renew := time.NewTicker(g.o.Renew)
	defer renew.Stop()
	poll := time.NewTicker(g.o.Poll)
	defer poll.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-msgs:
			if !ok {
				return
			}
			g.mu.Lock()
			g.gen++
			g.mu.Unlock()
			g.pump(ctx)
		case <-g.kick:
			g.pump(ctx)
		case <-poll.C:
			g.pump(ctx)
		case <-renew.C:
			err := g.renew(ctx)
			switch {
			case err != nil && !failing:
				failing = true
				g.log.Error("caps: cannot renew slot leases in Redis; held slots expire if this lasts", "lease_ttl", g.o.LeaseTTL.String(), "err", err)
			case err == nil && failing:
				failing = false
				g.log.Info("caps: slot leases renewed again")
			}
		}
	}
}

func (g *Gate) generation() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.gen
}

func (g *Gate) kickPump() {
	select {
	case g.kick <- struct{}{}:
	default:
	}
}

// pump looks for every waiting call of this replica in one round trip: those the queue
// admits get their slot; those whose ticket is gone (this replica could not renew it in time,
// or Redis lost its data) queue again, at the back.
func (g *Gate) pump(ctx context.Context) {
	g.mu.Lock()
	if len(g.waiting) == 0 {
		g.mu.Unlock()
		return
	}
	args := []any{g.o.Global, g.o.LeaseTTL.Milliseconds(), g.o.LeaseTTL.Milliseconds()}
	var ids []string
	for id := range g.waiting {
		ids = append(ids, id)
		args = append(args, id)
	}
	g.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, g.o.OpTimeout)
	defer cancel()
	res, err := pumpScript.Run(ctx, g.rdb, g.keys, args...).Int64Slice()
	if err == nil && len(res) != 3*len(ids) {
		err = fmt.Errorf("unexpected reply %v", res)
	}
	if err != nil {
		if !g.pumpFailing { // once per outage, not once a second
			g.log.Warn("caps: shared queue unavailable; waiting calls keep waiting until their queue timeout", "waiting", len(ids), "err", err)
		}
		g.pumpFailing = true
		return
	}
	g.pumpFailing = false
	var lost []*waiter
	for i, id := range ids {
		code, order := res[3*i], uint64(res[3*i+2])
		g.mu.Lock()
		w := g.waiting[id]
		switch {
		case code == 1 && w != nil:
			delete(g.waiting, id)
			g.held[id] = w.req.Rule
			w.admitted <- order
		case code == 1: // it gave up meanwhile: hand the slot back
			g.mu.Unlock()
			g.Release(id)
			continue
		case code == -3 && w != nil:
			lost = append(lost, w)
		}
		g.mu.Unlock()
	}
	for _, w := range lost {
		g.requeue(ctx, w)
	}
}

// requeue takes a new ticket for a waiting call whose ticket is gone.
func (g *Gate) requeue(ctx context.Context, w *waiter) {
	g.log.Warn("caps: a waiting call lost its place in the shared queue; queued again", "call_id", w.req.CallID)
	res, err := arriveScript.Run(ctx, g.rdb, g.keys, w.req.CallID, w.req.Rule, w.req.RuleCap, g.o.Global,
		g.o.LeaseTTL.Milliseconds(), g.o.LeaseTTL.Milliseconds()).Int64Slice()
	if err != nil || len(res) != 3 || res[0] != 1 {
		return // still waiting (or Redis failing): the next pump looks again
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.waiting[w.req.CallID] == w {
		delete(g.waiting, w.req.CallID)
		g.held[w.req.CallID] = w.req.Rule
		w.admitted <- uint64(res[2])
		return
	}
	go g.Release(w.req.CallID)
}

// renew extends every lease of this replica in one round trip.
func (g *Gate) renew(ctx context.Context) error {
	g.mu.Lock()
	args := []any{g.o.LeaseTTL.Milliseconds()}
	for id, rule := range g.held {
		args = append(args, id, rule)
	}
	g.mu.Unlock()
	if len(args) == 1 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, g.o.OpTimeout)
	defer cancel()
	res, err := renewScript.Run(ctx, g.rdb, g.keys, args...).Slice()
	if err != nil {
		return err
	}
	lists := func(i int) []string {
		var out []string
		if i < len(res) {
			items, _ := res[i].([]any)
			for _, it := range items {
				s, _ := it.(string)
				out = append(out, s)
			}
		}
		return out
	}
	for _, id := range lists(0) {
		g.mu.Lock()
		delete(g.held, id)
		g.mu.Unlock()
	}
	for _, id := range lists(1) {
		g.log.Warn("caps: a running call's slot had expired in Redis and was taken again (over the cap if need be)", "call_id", id)
	}
	return nil
}
