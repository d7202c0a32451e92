package routes

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// planSpec changes the first live entry, leaves out the second (not managed) and the SIP
// entry (managed: ci-), and adds a number.
const planSpec = `managed_prefix: ci-
routes:
  - number: "+14155550100"
    url: https://a2.example.com/dialin
    name_prefix: ci-support
    hmac: ${ROTATED}
    timeout_message: Busy
  - number: "+14155550177"
    url: https://new.example.com/dialin
    name_prefix: ci-new
`

func planFixture(t *testing.T, prune bool) *PlanResult {
	t.Helper()
	s, err := ParseSpec("routes.yaml", []byte(planSpec), env(map[string]string{"ROTATED": secretC}))
	if err != nil {
		t.Fatal(err)
	}
	return Plan(entries(t, liveJSON), s, prune)
}

func TestPlanAddsUpdatesKeepsAndPrunesOnlyManagedEntries(t *testing.T) {
	t.Parallel()
	p := planFixture(t, true)
	if p.Summary != (Summary{Add: 1, Change: 1, Remove: 1, Keep: 1}) || !p.HasChanges() {
		t.Fatalf("summary = %+v", p.Summary)
	}
	actions := []Action{}
	for _, c := range p.Changes {
		actions = append(actions, c.Action)
	}
	if want := []Action{ActionUpdate, ActionKeep, ActionRemove, ActionAdd}; !equalActions(actions, want) {
		t.Errorf("actions = %v, want %v", actions, want)
	}
	raws := rawOf(t, liveJSON)
	if len(p.Desired) != 3 || marshal(t, p.Desired[1]) != raws[1] {
		t.Fatalf("desired: the kept entry is not byte-identical: %s", marshal(t, p.Desired[1]))
	}
	up := p.Desired[0]
	if up.HMAC != secretC || up.TimeoutConfig.Message != "Busy" || up.SIPURI != "static--0@x.sip.example" || up.Extra["x_future"] == nil {
		t.Errorf("updated entry = %s", marshal(t, up))
	}
	if p.Desired[2].PhoneNumber != "+14155550177" || p.Desired[2].HMAC != "" {
		t.Errorf("added entry = %+v", p.Desired[2])
	}
	if p.BaseHash != Hash(entries(t, liveJSON)) {
		t.Error("BaseHash is not the hash of the live routes")
	}
}

func equalActions(a, b []Action) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPlanWithoutPruneKeepsEverythingNotInTheFile(t *testing.T) {
	t.Parallel()
	p := planFixture(t, false)
	if p.Summary != (Summary{Add: 1, Change: 1, Keep: 2}) {
		t.Fatalf("summary = %+v", p.Summary)
	}
	if p.Changes[2].Reason != "not in the file; kept (--prune would remove it)" {
		t.Errorf("reason = %q", p.Changes[2].Reason)
	}
}

func TestPlanOfExportedRoutesHasNoChanges(t *testing.T) {
	t.Parallel()
	live := entries(t, liveJSON)
	out, err := ExportSpec(live, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, "export", string(out))
	s, err := ParseSpec("export.yaml", out, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	p := Plan(live, s, true)
	if p.HasChanges() || p.Summary.Unchanged != 3 {
		t.Fatalf("summary %+v for\n%s", p.Summary, out)
	}
	for i := range live {
		if marshal(t, p.Desired[i]) != marshal(t, live[i]) {
			t.Errorf("entry %d not byte-identical", i)
		}
	}
	withSecrets, _ := ExportSpec(live, ExportOptions{IncludeSecrets: true})
	if !strings.Contains(string(withSecrets), secretA) {
		t.Error("IncludeSecrets did not export the hmac")
	}
}

func TestPlanJSONIsStableAndHasNoSecrets(t *testing.T) {
	t.Parallel()
	js, err := json.Marshal(planFixture(t, true))
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, "plan JSON", string(js))
	var v struct {
		FormatVersion int     `json:"format_version"`
		BaseHash      string  `json:"base_hash"`
		Prune         bool    `json:"prune"`
		Summary       Summary `json:"summary"`
		Changes       []struct {
			Action string        `json:"action"`
			Key    string        `json:"key"`
			Fields []FieldChange `json:"fields"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatal(err)
	}
	if v.FormatVersion != 1 || !strings.HasPrefix(v.BaseHash, "sha256:") || !v.Prune || v.Summary.Add != 1 || len(v.Changes) != 4 ||
		v.Changes[0].Fields[1] != (FieldChange{Field: "hmac", Old: SensitiveSet, New: SensitiveChanged, Sensitive: true}) {
		t.Errorf("plan JSON = %s", js)
	}
}

func TestSavedPlanAppliesExactlyAndRefusesWhenStale(t *testing.T) {
	t.Parallel()
	live := entries(t, liveJSON)
	p := planFixture(t, true)
	data, err := EncodePlanFile(p)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := DecodePlanFile(data)
	if err != nil {
		t.Fatal(err)
	}
	next, err := loaded.Next(live)
	if err != nil {
		t.Fatal(err)
	}
	if Hash(next) != Hash(p.Desired) {
		t.Error("a saved plan does not rebuild the array the plan showed")
	}
	changed, _, _ := Upsert(live, EntryChange{Key: NumberKey("+14155550101"), URL: ptr("https://someone.example.com")})
	_, err = loaded.Next(changed)
	var stale *StalePlanError
	if !errors.As(err, &stale) || !errors.Is(err, ErrStalePlan) || stale.CurrentHash != Hash(changed) {
		t.Errorf("stale plan accepted or wrong error: %v", err)
	}
	if _, err := DecodePlanFile([]byte(`{"kind":"something"}`)); err == nil {
		t.Error("a file that is not a plan was accepted")
	}
}
