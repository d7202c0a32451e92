package routes

import (
	"errors"
	"fmt"

	"github.com/dialin-project/dialin/pkg/daily"
)

// PlanFormatVersion versions the JSON form of a plan and the plan file.
const PlanFormatVersion = 1

// PlanResult is what applying a spec would do, terraform-style. Its JSON form (field names
// are a contract) holds no secret; Desired and each Change's After do, and stay out of it.
type PlanResult struct {
	FormatVersion int      `json:"format_version"`
	BaseHash      string   `json:"base_hash"` // Hash of the array the plan was computed against
	Prune         bool     `json:"prune"`
	Summary       Summary  `json:"summary"`
	Changes       []Change `json:"changes"` // in array order, then additions in file order

	// Desired is the array to write: unchanged entries are the very values read (so they
	// marshal to the same bytes), updated ones keep their unknown fields.
	Desired []daily.PinlessDialinEntry `json:"-"`
}

// Summary counts the changes of a plan.
type Summary struct {
	Add       int `json:"add"`
	Change    int `json:"change"`
	Remove    int `json:"remove"`
	Keep      int `json:"keep"`
	Unchanged int `json:"unchanged"`
}

// HasChanges reports whether applying the plan would write anything.
func (p *PlanResult) HasChanges() bool {
	return p.Summary.Add+p.Summary.Change+p.Summary.Remove > 0
}

// ChangedKeys are the keys of the entries the plan adds or updates: pass them as
// ValidateOptions.Only so that entries the plan leaves alone are not judged.
func (p *PlanResult) ChangedKeys() map[Key]bool {
	keys := map[Key]bool{}
	for _, c := range p.Changes {
		if (c.Action == ActionAdd || c.Action == ActionUpdate) && c.After != nil {
			keys[KeyOf(*c.After)] = true
		}
	}
	return keys
}

// ErrStalePlan is wrapped by *StalePlanError.
var ErrStalePlan = errors.New("stale plan")

// StalePlanError says that the live array is no longer the one the plan was computed against.
type StalePlanError struct {
	PlanHash, CurrentHash string
}

func (e *StalePlanError) Error() string {
	return fmt.Sprintf("stale plan: the routes changed since the plan was made (plan base %s, live %s); run plan again",
		short(e.PlanHash), short(e.CurrentHash))
}

func (e *StalePlanError) Unwrap() error { return ErrStalePlan }

func short(h string) string {
	if len(h) > 19 {
		return h[:19]
	}
	return h
}

// Next returns the array the plan writes when current is the array it was computed against,
// and a *StalePlanError otherwise. It has the shape of Writer.Write's mutate, so applying a
// plan is w.Write(ctx, plan.Next, nil): if the routes change between plan and write, the
// writer's re-read calls Next again and the write is refused instead of applied to routes
// the user has not seen.
func (p *PlanResult) Next(current []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	if h := Hash(current); h != p.BaseHash {
		return nil, &StalePlanError{PlanHash: p.BaseHash, CurrentHash: h}
	}
	return p.rebuild(current)
}

// rebuild applies the plan to current, the array it was computed against: the plan has one
// change per entry of that array, in order, followed by its additions. Entries the plan
// keeps are the very values of current.
func (p *PlanResult) rebuild(current []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	next := make([]daily.PinlessDialinEntry, 0, len(p.Changes))
	j := 0
	for _, c := range p.Changes {
		if c.Action == ActionAdd {
			if c.After == nil {
				return nil, fmt.Errorf("plan: the addition of %s has no entry", c.Key)
			}
			next = append(next, cloneEntry(*c.After))
			continue
		}
		if j >= len(current) {
			return nil, fmt.Errorf("plan: has more entries than the routes it was computed against")
		}
		switch c.Action {
		case ActionRemove:
		case ActionUpdate:
			if c.After == nil {
				return nil, fmt.Errorf("plan: the update of %s has no entry", c.Key)
			}
			next = append(next, cloneEntry(*c.After))
		default:
			next = append(next, cloneEntry(current[j]))
		}
		j++
	}
	if j != len(current) {
		return nil, fmt.Errorf("plan: has fewer entries than the routes it was computed against")
	}
	return next, nil
}

// Plan compares the live array with a spec. Entries in the spec are added or updated;
// entries not in it are kept untouched, unless prune is set and the spec manages them (their
// name_prefix starts with the spec's managed_prefix), in which case they are removed.
// Entries that someone else made are therefore never pruned.
func Plan(current []daily.PinlessDialinEntry, spec *Spec, prune bool) *PlanResult {
	p := &PlanResult{FormatVersion: PlanFormatVersion, BaseHash: Hash(current), Prune: prune}
	routes := map[Key]int{}
	for i, r := range spec.Routes {
		routes[r.Key] = i
	}
	matched := map[Key]bool{}
	for _, e := range current {
		before := cloneEntry(e)
		k := KeyOf(e)
		i, inSpec := routes[k]
		var c Change
		switch {
		case inSpec && !matched[k]:
			matched[k] = true
			after := applyRoute(e, spec.Routes[i])
			c = newChange(&before, &after)
		case prune && spec.Manages(e):
			c = newChange(&before, nil)
		default:
			c = newChange(&before, &before)
			c.Action, c.Reason = ActionKeep, keepReason(spec, e, prune, matched[k])
		}
		p.Changes = append(p.Changes, c)
	}
	for _, r := range spec.Routes {
		if !matched[r.Key] {
			after := r.Entry()
			p.Changes = append(p.Changes, newChange(nil, &after))
		}
	}
	p.Summary = summarize(p.Changes)
	p.Desired, _ = p.rebuild(current) // cannot fail: every change above has its entry
	return p
}

// summarize counts changes by action.
func summarize(changes []Change) Summary {
	var s Summary
	for _, c := range changes {
		switch c.Action {
		case ActionAdd:
			s.Add++
		case ActionUpdate:
			s.Change++
		case ActionRemove:
			s.Remove++
		case ActionKeep:
			s.Keep++
		case ActionUnchanged:
			s.Unchanged++
		}
	}
	return s
}

func keepReason(spec *Spec, e daily.PinlessDialinEntry, prune, duplicate bool) string {
	switch {
	case duplicate:
		return "a second entry for the same key; kept as it is"
	case spec.ManagedPrefix == "":
		return "not in the file; kept (the file sets no managed_prefix, so --prune removes nothing)"
	case !spec.Manages(e):
		return fmt.Sprintf("not in the file and not managed by it (name_prefix does not start with %q); kept", spec.ManagedPrefix)
	case !prune:
		return "not in the file; kept (--prune would remove it)"
	}
	return "kept"
}

// applyRoute returns e changed to what r says. Fields already right are not touched, so an
// entry the spec does not change still marshals to the bytes it was read from.
func applyRoute(e daily.PinlessDialinEntry, r SpecRoute) daily.PinlessDialinEntry {
	e = cloneEntry(e)
	setString(&e.RoomCreationAPI, &r.URL)
	setString(&e.NamePrefix, &r.NamePrefix)
	setString(&e.HoldMusicURL, &r.HoldMusicURL)
	setString(&e.HMAC, r.HMAC)
	cur := ""
	if e.TimeoutConfig != nil {
		cur = e.TimeoutConfig.Message
	}
	if cur != r.TimeoutMessage {
		if r.TimeoutMessage == "" {
			e.TimeoutConfig = nil
		} else {
			e.TimeoutConfig = &daily.TimeoutConfig{Message: r.TimeoutMessage}
		}
	}
	return e
}
