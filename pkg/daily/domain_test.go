package daily_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestDomainAndUpdateDomain(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)

	d := must(c.Domain(ctx))(t)
	if d.ID != srv.DomainID() || d.Name != srv.DomainName() {
		t.Fatalf("domain = %q %q, want %q %q", d.ID, d.Name, srv.DomainID(), srv.DomainName())
	}
	if routes, err := d.PinlessDialin(); err != nil || len(routes) != 0 {
		t.Fatalf("fresh domain routes = %v, %v", routes, err)
	}

	d = must(c.UpdateDomain(ctx, map[string]any{"lang": "de"}))(t)
	if string(d.Config["lang"]) != `"de"` {
		t.Fatalf("after update config.lang = %s", d.Config["lang"])
	}
	d = must(c.Domain(ctx))(t)
	if string(d.Config["lang"]) != `"de"` {
		t.Fatalf("read back config.lang = %s", d.Config["lang"])
	}
}

// rawEntries splits config.pinless_dialin into the bytes of each entry, by phone number.
func rawEntries(t *testing.T, d *daily.Domain) map[string]string {
	t.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal(d.Config["pinless_dialin"], &list); err != nil {
		t.Fatalf("config.pinless_dialin = %s: %v", d.Config["pinless_dialin"], err)
	}
	out := map[string]string{}
	for _, raw := range list {
		var e daily.PinlessDialinEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		out[e.Key()] = string(raw)
	}
	return out
}

func TestSetPinlessDialinKeepsOtherEntriesByteForByte(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	hook := newHookReceiver(t)
	now := time.Now()
	first, second := "+14155550101", "+14155550102"
	srv.SeedPurchased(first, now)
	srv.SeedPurchased(second, now)

	// Someone else's entry, with a field this client does not model and a URL whose "&"
	// encoding/json would escape.
	var theirs daily.PinlessDialinEntry
	raw := `{"phone_number":"` + first + `", "room_creation_api":"` + hook.URL + `/a?x=1&y=2","hmac":"b3RoZXItc2VjcmV0","future_field":{"nested":[1,2]}}`
	if err := json.Unmarshal([]byte(raw), &theirs); err != nil {
		t.Fatal(err)
	}
	must(c.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{theirs}))(t)
	before := must(c.Domain(ctx))(t)
	entries := must(before.PinlessDialin())(t)
	if len(entries) != 1 || entries[0].Extra["future_field"] == nil {
		t.Fatalf("entries = %+v, want one with future_field in Extra", entries)
	}

	entries = append(entries, daily.PinlessDialinEntry{PhoneNumber: second, RoomCreationAPI: hook.URL + "/b", HMAC: "bXktc2VjcmV0"})
	after := must(c.SetPinlessDialin(ctx, entries))(t)
	if got := must(after.PinlessDialin())(t); len(got) != 2 {
		t.Fatalf("POST / answered %d entries, want 2", len(got))
	}
	reread := must(c.Domain(ctx))(t)
	was, now2 := rawEntries(t, before), rawEntries(t, reread)
	if !strings.Contains(was[first], "x=1&y=2") {
		t.Fatalf("stored entry %s lost the literal '&' this test relies on", was[first])
	}
	if was[first] != now2[first] {
		t.Fatalf("the other entry changed:\nbefore %s\nafter  %s", was[first], now2[first])
	}
	if !strings.Contains(now2[second], `"bXktc2VjcmV0"`) {
		t.Fatalf("new entry = %s, want its hmac kept", now2[second])
	}

	// Changing a modelled field of the entry keeps its unknown field.
	entries = must(reread.PinlessDialin())(t)
	for i := range entries {
		if entries[i].PhoneNumber == first {
			entries[i].NamePrefix = "renamed"
		}
	}
	must(c.SetPinlessDialin(ctx, entries))(t)
	final := rawEntries(t, must(c.Domain(ctx))(t))
	if !strings.Contains(final[first], `"future_field"`) || !strings.Contains(final[first], `"renamed"`) {
		t.Fatalf("changed entry = %s, want future_field kept and the new name_prefix", final[first])
	}
}

func TestSetPinlessDialinEmptySendsAnEmptyArray(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	var wire bytes.Buffer
	c, _ := newClient(t, srv, daily.WithDebug(&wire))
	ctx := testContext(t)
	srv.SeedPurchased("+14155550103", time.Now())
	must(c.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{PhoneNumber: "+14155550103", RoomCreationAPI: "https://example.com/x"}}))(t)

	d := must(c.SetPinlessDialin(ctx, nil))(t)
	if !strings.Contains(wire.String(), `{"properties":{"pinless_dialin":[]}}`) {
		t.Fatalf("wire log has no empty array:\n%s", wire.String())
	}
	if got := must(d.PinlessDialin())(t); len(got) != 0 {
		t.Fatalf("routes after clearing = %+v", got)
	}
	if n := srv.Count(http.MethodPost, "/"); n != 2 {
		t.Fatalf("POST / served %d, want 2", n)
	}
}
