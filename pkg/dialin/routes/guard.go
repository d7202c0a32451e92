package routes

import (
	"slices"

	"github.com/dialin-project/dialin/pkg/daily"
)

// The write guard: what is written is what the user was shown. Every write computes its
// change again on the routes as they are at that moment (Writer.Write calls mutate before
// each attempt); these say whether that change is still the one shown.

// Same reports whether c and o are the same change: same entry, same action, the same
// fields from the same old to the same new values, and the same entry written.
func (c Change) Same(o Change) bool {
	if c.Action != o.Action || c.Key != o.Key || !slices.Equal(c.Fields, o.Fields) {
		return false
	}
	if (c.After == nil) != (o.After == nil) {
		return false
	}
	return c.After == nil || sameEntry(*c.After, *o.After)
}

// SameChanges reports whether p and q add, update and remove the same entries in the same
// way. What they keep does not matter: a route someone else added meanwhile shows up as kept.
func (p *PlanResult) SameChanges(q *PlanResult) bool {
	a, b := p.written(), q.written()
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Same(b[i]) {
			return false
		}
	}
	return true
}

func (p *PlanResult) written() []Change {
	var out []Change
	for _, c := range p.Changes {
		if c.Changed() {
			out = append(out, c)
		}
	}
	return out
}

// Replan is the mutate of applying a routes file: the file planned again on the routes as
// they are now. Other writers' changes to routes the file does not touch are kept; when the
// plan's own changes are no longer the ones shown, it is a *StalePlanError and nothing is
// written. (A saved plan has no file to plan again: it uses PlanResult.Next, which insists
// on the very routes it was made against.)
func Replan(spec *Spec, prune bool, shown *PlanResult) func([]daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	return func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		p := Plan(cur, spec, prune)
		if !p.SameChanges(shown) {
			return nil, &StalePlanError{PlanHash: shown.BaseHash, CurrentHash: p.BaseHash}
		}
		return p.Desired, nil
	}
}
