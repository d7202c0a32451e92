package routes

import (
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
)

// configRequests counts the emulator's /domain-dialin-config requests by method, and the
// POSTs to / (which a per-entry store must never send).
func configRequests(e *testEnv) map[string]int {
	n := map[string]int{}
	for _, r := range e.srv.Requests() {
		switch {
		case strings.HasPrefix(r.Path, "/domain-dialin-config"):
			n[r.Method]++
		case r.Path == "/" && r.Method == "POST":
			n["POST /"]++
		}
	}
	return n
}

func TestConfigStoreReadsTheSameRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // seeded through POST /; the emulator keeps one store for both APIs
	got, err := NewConfigStore(e.client).Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := e.store.Get(e.ctx)
	if len(got) != 3 || Hash(got) != Hash(want) {
		t.Fatalf("configs read as\n%v\nwant the array\n%v", got, want)
	}
	if string(got[0].Extra["x_future"]) != `{"a":[1,2],"b":2}` && string(got[0].Extra["x_future"]) != `{"b":2,"a":[1,2]}` {
		t.Errorf("unknown field lost: %v", got[0].Extra)
	}
}

func TestConfigStoreWritesOnlyTheChangedEntry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writer.Store = NewConfigStore(e.client)
	before := e.live(t)
	e.srv.ResetRequests()

	// An update sends one PUT with the changed field; removing a field sends null.
	none := ""
	res, err := e.writer.Write(e.ctx, func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		next, _, err := Upsert(cur, EntryChange{Key: NumberKey("+14155550101"), URL: ptr("https://new.example.com/dialin"), TimeoutMessage: &none})
		return next, err
	}, nil)
	if err != nil || !res.Changed {
		t.Fatalf("res %+v, err %v", res, err)
	}
	if n := configRequests(e); n["PUT"] != 1 || n["POST"] != 0 || n["DELETE"] != 0 || n["POST /"] != 0 {
		t.Errorf("requests %v, want one PUT", n)
	}
	after := e.live(t)
	upd := after["+14155550101"]
	if upd["room_creation_api"] != "https://new.example.com/dialin" || upd["timeout_config"] != nil ||
		upd["hmac"] != secretB || upd["sip_uri"] != before["+14155550101"]["sip_uri"] || upd["hold_music_url"] == nil {
		t.Errorf("updated entry %v", upd)
	}
	for _, k := range []string{"+14155550100", "sip:ci-trunk"} {
		if !testkit.SameJSON(before[k], after[k]) {
			t.Errorf("entry %s changed:\n%v\n%v", k, before[k], after[k])
		}
	}

	// An addition is one POST; Daily generates its secret.
	e.srv.ResetRequests()
	if _, err := e.writer.Write(e.ctx, upsert("+14155550150", "https://n.example.com/dialin"), nil); err != nil {
		t.Fatal(err)
	}
	if n := configRequests(e); n["POST"] != 1 || n["PUT"] != 0 || n["DELETE"] != 0 {
		t.Errorf("requests %v, want one POST", n)
	}
	if h, _ := e.live(t)["+14155550150"]["hmac"].(string); h == "" {
		t.Error("no secret generated for the new entry")
	}

	// A removal is one DELETE.
	e.srv.ResetRequests()
	if _, err := e.writer.Write(e.ctx, func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		next, _, err := Remove(cur, SIPKey("ci-trunk"))
		return next, err
	}, nil); err != nil {
		t.Fatal(err)
	}
	if n := configRequests(e); n["DELETE"] != 1 || n["PUT"] != 0 || n["POST"] != 0 {
		t.Errorf("requests %v, want one DELETE", n)
	}
	live := e.live(t)
	if len(live) != 3 || live["sip:ci-trunk"] != nil || live["+14155550100"]["hmac"] != secretA {
		t.Errorf("live after removal: %v", live)
	}
}

func TestConfigStoreRestoresABackup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	store := NewConfigStore(e.client)
	saved, _ := store.Get(e.ctx)
	if _, err := e.client.SetPinlessDialin(e.ctx, nil); err != nil { // someone empties the routes
		t.Fatal(err)
	}
	e.writer.Store = store
	if _, err := e.writer.Write(e.ctx, func([]daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) { return saved, nil }, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := store.Get(e.ctx)
	if Hash(got) != Hash(saved) {
		t.Errorf("restored\n%v\nwant\n%v", got, saved)
	}
}
