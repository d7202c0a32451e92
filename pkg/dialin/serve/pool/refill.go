package pool

import (
	"context"
	"sync"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
)

// run keeps the pool full until ctx ends: all the time, or, with a refill lease (a Store
// that replicas share), only while this pool holds the lease. The others try to take it
// every LeaseRetry, and meanwhile only read the pool's size.
func (rp *rulePool) run(ctx context.Context) {
	var creations sync.WaitGroup
	defer creations.Wait()
	creations.Add(1)
	go func() {
		defer creations.Done()
		rp.deleteRetired(ctx)
	}()
	if rp.p.cfg.RefillLease == nil {
		rp.refillWhile(ctx, ctx, &creations)
		return
	}
	lease := rp.p.cfg.RefillLease(rp.rule.Name)
	failing := false
	for {
		ran, err := lease.Do(ctx, func(work context.Context) error {
			rp.p.log.Info("refilling the shared room pool (this replica holds its refill lease)", "rule", rp.rule.Name)
			rp.refillWhile(work, ctx, &creations)
			if ctx.Err() == nil {
				rp.p.log.Warn("stopped refilling the shared room pool: its refill lease was lost", "rule", rp.rule.Name, "cause", context.Cause(work).Error())
			}
			return nil
		})
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			failing = true
			rp.p.log.Warn("the shared room pool's refill lease cannot be taken; trying again", "rule", rp.rule.Name, "err", err.Error())
		case err == nil:
			failing = false
		}
		if !ran && ctx.Err() == nil {
			rp.size() // the gauge follows the shared pool, and retired rooms get deleted
			// The size this replica's own calls ask for; the refilling replica keeps the size
			// its calls ask for.
			rp.mu.Lock()
			rp.setTargetLocked(rp.p.cfg.Now())
			rp.mu.Unlock()
		}
		timer := time.NewTimer(rp.p.cfg.LeaseRetry)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// refillWhile keeps the pool full until work ends. Room creations run under ctx, the pool's
// own: a creation under way when the lease is lost still adds its room.
func (rp *rulePool) refillWhile(work, ctx context.Context, creations *sync.WaitGroup) {
	for work.Err() == nil {
		wait := rp.fill(ctx, creations)
		timer := time.NewTimer(min(wait, rp.p.cfg.CheckEvery))
		select {
		case <-work.Done():
			timer.Stop()
			return
		case <-rp.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// deleteRetired deletes the rooms that outlived their lifetime, one at a time (DELETE has a
// low rate limit of its own). It is best effort: a room left behind expires with its exp.
func (rp *rulePool) deleteRetired(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-rp.delWake:
		}
		for {
			rp.mu.Lock()
			if len(rp.retired) == 0 {
				rp.mu.Unlock()
				break
			}
			name := rp.retired[0]
			rp.retired = rp.retired[1:]
			rp.mu.Unlock()
			if err := rp.p.cfg.Client.DeleteRoom(daily.WithPriority(ctx, daily.PriorityHousekeeping), name); err != nil && !daily.IsNotFound(err) {
				if ctx.Err() != nil {
					return
				}
				rp.p.log.Info("deleting a retired pool room failed; it expires by itself", "rule", rp.rule.Name, "room", name, "err", err.Error())
			}
		}
	}
}
