package numberscmd

import (
	"fmt"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/numbers"
)

// checkReleasable refuses, before the release is sent, a number that a dial-in route still
// uses (usage error: the route must go first) and one still inside Daily's 14-day lock
// (exit 1, with the date it can be released). --force skips it.
func checkReleasable(p *daily.PurchasedNumber, route *numberRoute, now time.Time) error {
	if route != nil {
		where := "a PIN dial-in entry"
		if route.Type == numbers.RoutePinless {
			where = "its pinless_dialin route to " + route.RoomCreationAPI
		}
		return cmdutil.FlagErrorWrap(cmdutil.WithHint(
			fmt.Errorf("%s: still in use by %s; refusing to release a routed number", p.Number, where),
			"remove the route first with `dialin routes remove`, or pass --force to release it anyway"))
	}
	if at, locked := numbers.Locked(*p, now); locked {
		return cmdutil.WithHint(
			fmt.Errorf("%s: %s", p.Number, lockMessage(at)),
			"wait until then, or pass --force to send the release and let Daily decide")
	}
	return nil
}

// lockMessage explains Daily's 14-day lock for a number bought at boughtAt.
func lockMessage(boughtAt time.Time) string {
	return fmt.Sprintf("bought on %s; Daily refuses to release a number within 14 days of its purchase, so it can be released from %s",
		formatTime(boughtAt), formatTime(boughtAt.Add(numbers.ReleaseLock)))
}

// explainReleaseError turns Daily's refusal of a release inside the 14-day lock into an
// explanation with the date; other errors are only given the number.
func explainReleaseError(p *daily.PurchasedNumber, now time.Time, err error) error {
	if !numbers.IsLockRefusal(*p, now, err) {
		return fmt.Errorf("releasing %s: %w", p.Number, err)
	}
	if at, ok := numbers.BoughtAt(*p); ok {
		return fmt.Errorf("Daily refused to release %s: %s (%w)", p.Number, lockMessage(at), err)
	}
	return fmt.Errorf("Daily refused to release %s: a number cannot be released within 14 days of its purchase (%w)", p.Number, err)
}
