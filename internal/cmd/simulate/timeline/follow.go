package timeline

import (
	"context"
	"time"

	"github.com/dialin-project/dialin/pkg/daily/dailytest/control"
)

// Follow polls the emulator's call until it has its outcome (Done) or ctx ends, calling
// onMark once for each mark as it appears. The emulator adds some marks late with their real
// times (room_created, bot_joined and ready are known only when the call connects), so a mark
// may come after one with a later time. It returns the last record.
func Follow(ctx context.Context, em *control.Client, id string, onMark func(Call, Mark)) (Call, error) {
	type key struct {
		name, detail string
		at           int64
	}
	seen := map[key]bool{}
	for {
		rec, err := em.WaitCall(ctx, id, time.Second, Final...)
		c := FromRecord(rec)
		if err != nil {
			return c, err
		}
		for _, m := range c.Timeline {
			k := key{m.Name, m.Detail, m.At.UnixNano()}
			if !seen[k] && onMark != nil {
				onMark(c, m)
			}
			seen[k] = true
		}
		if c.Done() {
			return c, nil
		}
		if err := ctx.Err(); err != nil {
			return c, err
		}
	}
}
