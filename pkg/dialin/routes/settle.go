package routes

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/dialin-project/dialin/pkg/daily"
)

// maxSettleRounds bounds how often one Write puts its routes back.
const maxSettleRounds = 3

// settle closes what is left of the race between machines. Daily has no conditional write:
// another machine may read the routes, this writer writes and verifies, and then the other
// machine's write (computed from the older routes) lands and undoes this one. So after a
// verified write the writer waits a little (jittered, so that two writers do not keep
// meeting), reads again, and puts back every route of its own write that was returned to
// exactly what it was before — a stale write — leaving alone a route someone changed to
// something new. The put-back is a write like any other (backup, re-read, verify). While
// the routes keep changing (others are writing, so a stale write may still be on its way)
// it looks again, up to maxSettleRounds times; once they are quiet, it is done.
func (w *Writer) settle(ctx context.Context, r *rounds, verify func([]daily.PinlessDialinEntry) error) error {
	if w.Settle < 0 {
		return nil
	}
	own := changesOf(r.sentBase, r.sent, r.res.Written)
	if len(own) == 0 {
		return nil
	}
	d := w.Settle
	if d == 0 {
		d = DefaultSettle
	}
	// Another machine's stale write lands at most about one of its rounds after its read;
	// on the same slow link (or loaded machine) its rounds are as slow as this one's.
	d = max(d, 2*r.round)
	seen := Hash(r.res.Written)
	for range maxSettleRounds {
		if w.sleep(ctx, d+rand.N(d+1)) != nil {
			return nil // interrupted: the write was verified; skip the extra check
		}
		live, err := w.Store.Get(ctx)
		if err != nil {
			return fmt.Errorf("written and verified, but the check a moment later failed (check `dialin routes list`): %w", err)
		}
		undone := own.undone(live)
		if len(undone) == 0 {
			if h := Hash(live); h != seen {
				seen = h // others are writing: a stale write may still be on its way; look again
				continue
			}
			return nil
		}
		r.res.Restored = appendNew(r.res.Restored, undone)
		written := r.res.Written
		if err := w.converge(ctx, r, live, func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
			return own.putBack(cur), nil
		}, verify); err != nil {
			return fmt.Errorf("another machine's write undid route(s) %v, and putting them back failed: %w", undone, err)
		}
		if !r.res.Changed {
			r.res.Changed, r.res.Written = true, written
		}
		seen = Hash(r.res.Written)
	}
	return nil
}

// ownChange is one route a write changed: before nil when it added the route, after nil
// when it removed it.
type ownChange struct {
	key           Key
	before, after *daily.PinlessDialinEntry
}

type ownChanges []ownChange

// changesOf lists the routes that differ between base and sent; after is each route as read
// back (written), so that what Daily filled in (an hmac, a sip_uri) is put back as it is.
func changesOf(base, sent, written []daily.PinlessDialinEntry) ownChanges {
	var out ownChanges
	seen := map[Key]bool{}
	for _, e := range append(Clone(base), sent...) {
		k := KeyOf(e)
		if seen[k] {
			continue
		}
		seen[k] = true
		b, s := entryOf(base, k), entryOf(sent, k)
		if b != nil && s != nil && sameEntry(*b, *s) {
			continue
		}
		if w := entryOf(written, k); s != nil && w != nil {
			s = w
		}
		out = append(out, ownChange{key: k, before: b, after: s})
	}
	return out
}

// undone lists the changes live has returned to what they were before the write.
func (own ownChanges) undone(live []daily.PinlessDialinEntry) []Key {
	var keys []Key
	for _, c := range own {
		l := entryOf(live, c.key)
		stale := false
		switch {
		case c.after != nil && c.before == nil:
			stale = l == nil
		case c.before != nil:
			stale = l != nil && sameEntry(*l, *c.before)
		}
		if stale {
			keys = append(keys, c.key)
		}
	}
	return keys
}

// putBack is live with every undone change made again; every other entry stays as it is.
func (own ownChanges) putBack(live []daily.PinlessDialinEntry) []daily.PinlessDialinEntry {
	out := Clone(live)
	for _, k := range own.undone(live) {
		for _, c := range own {
			if c.key != k {
				continue
			}
			i := find(out, k)
			switch {
			case c.after == nil && i >= 0:
				out = append(out[:i], out[i+1:]...)
			case c.after != nil && i >= 0:
				out[i] = cloneEntry(*c.after)
			case c.after != nil:
				out = append(out, cloneEntry(*c.after))
			}
		}
	}
	return out
}

// entryOf is a copy of the first entry with key k, or nil.
func entryOf(entries []daily.PinlessDialinEntry, k Key) *daily.PinlessDialinEntry {
	if i := find(entries, k); i >= 0 {
		e := cloneEntry(entries[i])
		return &e
	}
	return nil
}

func appendNew(keys, more []Key) []Key {
	for _, k := range more {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}
