package routes

import (
	"encoding/json"
	"fmt"

	"github.com/dialin-project/dialin/pkg/daily"
)

// planFileKind marks a plan file, so that apply refuses some other JSON file.
const planFileKind = "dialin-routes-plan"

// planFile is the saved form of a plan (`routes plan -out FILE`): the public plan plus, for
// each change that writes an entry, the entry itself. It holds the hmac secrets of the
// entries it adds or updates, so the caller writes it with mode 0600 (as terraform's plan
// files, it is not for committing).
type planFile struct {
	Kind string `json:"kind"`
	*PlanResult
	Entries []*json.RawMessage `json:"entries"` // per change: the entry written, or null
}

// EncodePlanFile is the saved form of p; DecodePlanFile reads it back.
func EncodePlanFile(p *PlanResult) ([]byte, error) {
	f := planFile{Kind: planFileKind, PlanResult: p}
	for _, c := range p.Changes {
		var raw *json.RawMessage
		if (c.Action == ActionAdd || c.Action == ActionUpdate) && c.After != nil {
			b, err := json.Marshal(c.After)
			if err != nil {
				return nil, err
			}
			r := json.RawMessage(b)
			raw = &r
		}
		f.Entries = append(f.Entries, raw)
	}
	return json.MarshalIndent(f, "", "  ")
}

// DecodePlanFile reads a saved plan. The result has no Desired array and no Before entries:
// its Next rebuilds the array from the live one, and refuses when that is not the array the
// plan was made against.
func DecodePlanFile(data []byte) (*PlanResult, error) {
	var f planFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("plan file: not a dialin plan: %v", err)
	}
	if f.Kind != planFileKind || f.PlanResult == nil {
		return nil, fmt.Errorf("plan file: not a dialin plan (kind %q)", f.Kind)
	}
	if f.FormatVersion != PlanFormatVersion {
		return nil, fmt.Errorf("plan file: format_version %d is not supported (want %d)", f.FormatVersion, PlanFormatVersion)
	}
	if len(f.Entries) != len(f.Changes) {
		return nil, fmt.Errorf("plan file: %d entries for %d changes", len(f.Entries), len(f.Changes))
	}
	p := f.PlanResult
	for i := range p.Changes {
		c := &p.Changes[i]
		needs := c.Action == ActionAdd || c.Action == ActionUpdate
		if needs != (f.Entries[i] != nil) {
			return nil, fmt.Errorf("plan file: change %d (%s %s) has the wrong entry", i, c.Action, c.Key)
		}
		if needs {
			var e daily.PinlessDialinEntry
			if err := json.Unmarshal(*f.Entries[i], &e); err != nil {
				return nil, fmt.Errorf("plan file: change %d: %v", i, err)
			}
			c.After = &e
		}
	}
	return p, nil
}
