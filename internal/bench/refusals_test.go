package bench

import (
	"testing"
	"time"
)

// A call serve refused (its webhook answered non-2xx) is counted as refused, not lost, and
// its refusal time goes to the refusal quantiles only.
func TestRefusedCallsAreCountedApartFromLostOnes(t *testing.T) {
	t.Parallel()
	rs := []callResult{
		{connected: true, handoff: 10 * time.Millisecond, toConnect: 300 * time.Millisecond},
		{refused: true, refusal: 40 * time.Millisecond, handoff: -1},
		{refused: true, refusal: 80 * time.Millisecond, handoff: -1},
		{connected: false, handoff: -1}, // accepted and left on hold: lost
	}
	calls, connected, lost, _, c := summarize(rs)
	if calls != 4 || connected != 1 || lost != 1 || c.Max != 300 {
		t.Fatalf("calls %d connected %d lost %d connected max %v", calls, connected, lost, c.Max)
	}
	n, q := refusals(rs)
	if n != 2 || q == nil || q.P50 != 40 || q.Max != 80 {
		t.Fatalf("refused %d, quantiles %+v", n, q)
	}
	if n, q := refusals(rs[:1]); n != 0 || q != nil {
		t.Fatalf("no refusals: %d %+v", n, q)
	}
}
