package routes

import (
	"errors"
	"fmt"
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

// Judged narrows validation to what the change writes: the changed entry only, and an http
// (loopback) webhook URL the change leaves as it is — Daily already holds it, so rotating a
// secret must not need --allow-http again. A new URL still meets every rule.
func (c Change) Judged(vopts ValidateOptions) ValidateOptions {
	vopts.Only = c.Scope()
	if c.Action != ActionAdd && c.Field(FieldURL) == nil {
		vopts.AllowHTTP = true
	}
	return vopts
}

// UpsertGuard is the mutate of writing one entry change (`routes set`): ec applied to the
// routes as they are now and validated, refused when the change is no longer the one shown
// (someone changed this route meanwhile). Other routes changing meanwhile are fine.
func UpsertGuard(ec EntryChange, vopts ValidateOptions, shown Change) func([]daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	return func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		next, change, err := Upsert(cur, ec)
		if err != nil {
			return nil, err
		}
		if err := Validate(next, change.Judged(vopts)); err != nil {
			return nil, err
		}
		if change.Changed() && !change.Same(shown) {
			return nil, fmt.Errorf("route %s was changed by someone else while dialin was asking; nothing written, run the command again to see the new change", shown.Key)
		}
		return next, nil
	}
}

// RestoreGuard is the mutate of putting saved routes back (`routes restore`): allowed on the
// routes the difference was shown against (shownBase, their Hash), or when they already are
// the saved ones (an earlier attempt landed); refused when they changed otherwise.
func RestoreGuard(saved []daily.PinlessDialinEntry, shownBase string) func([]daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	want := Hash(saved)
	return func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		if h := Hash(cur); h != shownBase && h != want {
			return nil, errors.New("the routes changed while the restore was being decided; nothing restored, run restore again to see the new difference")
		}
		return Clone(saved), nil
	}
}
