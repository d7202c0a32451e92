package routes

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/dialin-project/dialin/pkg/daily"
)

// NewConfigStore keeps the routes as Daily's per-entry /domain-dialin-config objects of type
// pinless_dialin (`dialin routes --api configs`). Get lists them as one array, oldest first,
// so that the commands, the writer and plans work on them exactly as on pinless_dialin. Set
// compares the array it is given with the live configs and sends only what differs: a
// DELETE per entry that is gone, a PUT with just the changed fields (null for a removed one)
// per entry that changed, a POST per new entry. Configs that do not change are not touched
// at all, which is what the per-entry API is for.
//
// Set is convergent rather than atomic: when a request fails half way, the writer reads the
// configs back, sees the difference and calls Set again, which sends only what is still
// missing. An entry given without an hmac keeps its live secret (a PUT never sends hmac:
// null, which would make Daily generate a new one).
func NewConfigStore(c *daily.Client) Store { return configStore{c} }

type configStore struct{ c *daily.Client }

// readOnlyConfigFields are never sent on update.
var readOnlyConfigFields = map[string]bool{"sip_uri": true, "id": true, "type": true}

func (s configStore) list(ctx context.Context) ([]daily.PinlessDialinConfig, error) {
	all, err := daily.Collect(s.c.PinlessDialinConfigs(ctx))
	if err != nil {
		return nil, err
	}
	slices.Reverse(all) // Daily lists newest first; an array grows at the end
	return all, nil
}

func (s configStore) Get(ctx context.Context) ([]daily.PinlessDialinEntry, error) {
	all, err := s.list(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]daily.PinlessDialinEntry, len(all))
	for i, d := range all {
		out[i] = d.Config
	}
	return out, nil
}

func (s configStore) Set(ctx context.Context, entries []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	live, err := s.list(ctx)
	if err != nil {
		return nil, err
	}
	byKey := map[Key][]int{}
	for i, d := range live {
		k := KeyOf(d.Config)
		byKey[k] = append(byKey[k], i)
	}
	matched := make([]int, len(entries)) // index into live, or -1 for a new entry
	used := make([]bool, len(live))
	for i, e := range entries {
		matched[i] = -1
		k := KeyOf(e)
		if list := byKey[k]; len(list) > 0 {
			matched[i], byKey[k] = list[0], list[1:]
			used[matched[i]] = true
		}
	}
	// Deletions first, so that a number they free is free for the entries that follow.
	for i, d := range live {
		if !used[i] {
			if err := s.c.DeleteDialinConfig(ctx, d.ID); err != nil && !daily.IsNotFound(err) {
				return nil, fmt.Errorf("delete route %s (config %s): %w", KeyOf(d.Config), d.ID, err)
			}
		}
	}
	for i, e := range entries {
		want, err := configFields(e)
		if err != nil {
			return nil, err
		}
		if matched[i] < 0 {
			if _, err := s.c.CreateDialinConfigFields(ctx, "pinless_dialin", want); err != nil {
				return nil, fmt.Errorf("create route %s: %w", KeyOf(e), err)
			}
			continue
		}
		d := live[matched[i]]
		have, err := configFields(d.Config)
		if err != nil {
			return nil, err
		}
		if update := fieldUpdate(have, want); len(update) > 0 {
			if _, err := s.c.UpdateDialinConfigFields(ctx, d.ID, update); err != nil {
				return nil, fmt.Errorf("update route %s (config %s): %w", KeyOf(e), d.ID, err)
			}
		}
	}
	return s.Get(ctx)
}

// configFields is an entry's fields, each value in canonical JSON.
func configFields(e daily.PinlessDialinEntry) (map[string]any, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(canonical(e), &m); err != nil {
		return nil, fmt.Errorf("route %s: %w", KeyOf(e), err)
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out, nil
}

// fieldUpdate is the body of the PUT that turns have into want: changed and new fields with
// their value, removed ones as null. Read-only fields are never sent, and neither is a
// removal of hmac (Daily would generate a new secret).
func fieldUpdate(have, want map[string]any) map[string]any {
	update := map[string]any{}
	for k, v := range want {
		if readOnlyConfigFields[k] {
			continue
		}
		if old, ok := have[k]; !ok || string(old.(json.RawMessage)) != string(v.(json.RawMessage)) {
			update[k] = v
		}
	}
	for k := range have {
		if _, ok := want[k]; !ok && !readOnlyConfigFields[k] && k != "hmac" {
			update[k] = nil
		}
	}
	return update
}
