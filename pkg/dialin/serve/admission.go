package serve

import (
	"context"
	"net/http"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// DefaultAdmissionMargin is the part of the caller's hold kept, after the budget lets a call's
// requests through, for the requests themselves and the bot's start (Deps.AdmissionMargin,
// --admission-margin): enough for a warm bot or a bot that starts in about a second and a
// half; a slower bot needs more, or calls admitted near the end of the hold are lost.
const DefaultAdmissionMargin = 2 * time.Second

// roomStock is a RoomSource that keeps rooms ready (pool.Pool): Stocked is how many the
// rule's pool held at its last look, read without a request (a shared pool's Store is a
// network hop, which admission must not add to every call).
type roomStock interface {
	Stocked(rule string) int
}

// callRequests is how many Daily requests stand between a call of rule and its bot (path:
// the room unless a pooled one is ready, the token unless it is signed here) and between
// the bot and the connected caller (patch: pinlessCallUpdate, by serve or, with patch: bot,
// by the bot, which serve budgets for). A rule whose bot makes its own room costs serve's
// budget only when it does so with serve's key: a Pipecat runner given the key in its body
// (its room, its token and its bot's patch, on this domain); Pipecat Cloud and a forwarded
// webhook use keys of their own.
func (s *Server) callRequests(rule *rules.Rule) (path, patch int) {
	if s.starters[rule] != nil {
		if runnerUsesServesKey(rule) {
			return 2, 1
		}
		return 0, 0
	}
	n := 0
	if st, ok := s.d.Rooms.(roomStock); !ok || st.Stocked(rule.Name) == 0 {
		n++
	}
	switch t := s.d.Tokens.(type) {
	case *RESTTokens:
		n++
	case *CheckedTokens:
		if !t.local() {
			n++
		}
	}
	return n, 1
}

// admit decides, when a call's webhook arrives, whether its requests can get through the
// client's rate budget before the caller's hold (HoldBudget from the webhook) runs out. The
// budget's wait counts the requests of every call admitted and not yet past its token (they
// wait at the same priority) and the patches waiting ahead of them; refills and
// housekeeping never delay a call, so they do not count. The n requests of an admitted call
// stay counted until the call's requestsMade (or unadmit, for a call not taken after all);
// a call refused here costs nothing.
func (s *Server) admit(rule *rules.Rule, received time.Time) (path, n int64, wait time.Duration, ok bool) {
	p, patch := s.callRequests(rule)
	path, n = int64(p), int64(p+patch)
	if n == 0 {
		return 0, 0, 0, true
	}
	all := s.pendingRequests.Add(n)
	wait = s.d.Client.Delay(daily.PriorityCall, http.MethodPost, "/rooms", int(all))
	// A call that does not wait for the budget is never refused here, however short the hold.
	if wait > 0 && time.Since(received)+wait+s.d.AdmissionMargin > s.d.HoldBudget {
		s.pendingRequests.Add(-n)
		return 0, 0, wait, false
	}
	return path, n, wait, true
}

// unadmit stops counting the n requests of a call admit let in but serve did not take (a
// repeated delivery, or the call store failing).
func (s *Server) unadmit(n int64) { s.pendingRequests.Add(-n) }

// requestsMade stops counting all of the call's requests in the budget's wait (its patch is
// made, or the call ended before).
func (s *Server) requestsMade(c *call) {
	if n := c.pendingRequests.Swap(0); n > 0 {
		s.pendingRequests.Add(-n)
	}
}

// someRequestsMade stops counting n of the call's requests (its room and token are made).
func (s *Server) someRequestsMade(c *call, n int64) {
	for {
		left := c.pendingRequests.Load()
		k := min(n, left)
		if k <= 0 {
			return
		}
		if c.pendingRequests.CompareAndSwap(left, left-k) {
			s.pendingRequests.Add(-k)
			return
		}
	}
}

// inBudgetQueue marks the Daily requests made with ctx as the call's: in the budget's queue
// they wait behind the calls that arrived before this one and go ahead of those after it, so
// that a call's room and token (or the two requests of a Pipecat runner spent for it) go
// through together instead of each waiting behind every request queued since.
func (c *call) inBudgetQueue(ctx context.Context) context.Context {
	return daily.WithQueuedSince(ctx, c.received)
}

// refusedBudget is the outcome (calls_total) and record reason of a call refused because
// Daily's rate budget could not carry it within the caller's hold.
const refusedBudget = "refused_rate_budget"

func budgetReason(wait time.Duration) string {
	return "over Daily's request budget: the room would wait " + wait.Round(time.Millisecond).String() + " for it, past the caller's hold"
}

// refuseOverBudget answers a call admit refused, counts it and logs it once.
func (s *Server) refuseOverBudget(w http.ResponseWriter, rec callstore.Record, received time.Time) {
	now := time.Now()
	s.metrics.calls.WithLabelValues(refusedBudget).Inc()
	s.sink.Emit(Event{Kind: EventRefused, CallID: rec.CallID, Rule: rec.Rule, At: now, Since: now.Sub(received), Reason: rec.Reason})
	s.log.Warn("call refused: over Daily's request budget", "call_id", rec.CallID, "rule", rec.Rule, "outcome", refusedBudget)
	writeBody(w, rec.Answer.Status, rec.Answer.Body)
}

// spendBotPatch takes the share of the pinlessCallUpdate a bot makes with patch: bot from
// serve's own budget, in the background and at the patch's priority: the bot's request
// spends the same domain budget from its own process, which serve's requests must leave it.
func (s *Server) spendBotPatch(c *call) {
	// Not waited for by Shutdown: it sends nothing, and ends within patchTimeout.
	go func() {
		defer s.requestsMade(c)
		ctx, cancel := context.WithTimeout(daily.WithPriority(c.inBudgetQueue(context.Background()), daily.PriorityPatch), patchTimeout)
		defer cancel()
		_ = s.d.Client.Spend(ctx, http.MethodPost, "/dialin/pinlessCallUpdate")
	}()
}

// runnerUsesServesKey reports whether the rule's bot is a Pipecat runner (not Pipecat Cloud)
// that gets serve's Daily key in its body, and so makes its room, its token and its patch on
// serve's domain budget.
func runnerUsesServesKey(rule *rules.Rule) bool {
	pc := rule.Bot.Pipecat
	return pc != nil && pc.Agent == "" && !pc.OmitDailyKey
}

// spendRunnerRequests takes the room and the token a Pipecat runner will request with serve's
// key from serve's budget before the call is posted to it, at the priority of a waiting
// call's requests: the runner's own requests then fit the domain's budget instead of meeting
// Daily's 429. It stops at ctx's end (the caller's hold).
func (s *Server) spendRunnerRequests(ctx context.Context, c *call) error {
	ctx = daily.WithPriority(c.inBudgetQueue(ctx), daily.PriorityCall)
	for range 2 {
		if err := s.d.Client.Spend(ctx, http.MethodPost, "/rooms"); err != nil {
			return err
		}
		s.someRequestsMade(c, 1)
	}
	return nil
}
