package dailytest

import (
	"context"
	"strings"
	"time"
)

// AwaitCall is WaitCall for a test: it waits up to within for the call to reach one of
// states and fails tb when it does not.
func (s *Server) AwaitCall(tb TB, within time.Duration, callID string, states ...string) CallRecord {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	rec, err := s.WaitCall(ctx, callID, states...)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	return rec
}

// MarkNames is the names of the call's marks in order, comma-separated, as tests compare and
// print a timeline.
func (r CallRecord) MarkNames() string {
	names := make([]string, 0, len(r.Timeline))
	for _, m := range r.Timeline {
		names = append(names, m.Name)
	}
	return strings.Join(names, ",")
}
