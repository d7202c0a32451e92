package routes

import "github.com/dialin-project/dialin/pkg/daily"

// Diff compares two whole arrays, for `routes restore`: what writing desired in place of
// current would add, change and remove, in the plan's form so that a command can show it as a plan.
// Entries are matched by key. Desired is desired itself (order and bytes as given); write
// it rather than calling Next, which rebuilds the array in plan order.
func Diff(current, desired []daily.PinlessDialinEntry) *PlanResult {
	p := &PlanResult{FormatVersion: PlanFormatVersion, BaseHash: Hash(current), Desired: Clone(desired)}
	want := map[Key][]int{}
	for i, e := range desired {
		k := KeyOf(e)
		want[k] = append(want[k], i)
	}
	used := make([]bool, len(desired))
	for _, e := range current {
		before := cloneEntry(e)
		k := KeyOf(e)
		var c Change
		if list := want[k]; len(list) > 0 {
			want[k] = list[1:]
			used[list[0]] = true
			after := cloneEntry(desired[list[0]])
			c = newChange(&before, &after)
		} else {
			c = newChange(&before, nil)
		}
		p.Changes = append(p.Changes, c)
	}
	for i, e := range desired {
		if !used[i] {
			after := cloneEntry(e)
			p.Changes = append(p.Changes, newChange(nil, &after))
		}
	}
	p.Summary = summarize(p.Changes)
	return p
}
